package org.siteverify;

/** Facts about the loaded native library. */
public final class Siteverify {
    private Siteverify() {}

    /** The version of libsiteverify this binding was written for, "MAJOR.MINOR.PATCH". */
    public static final String BINDING_VERSION = Abi.SV_VERSION;

    /** The ABI version this binding needs (the number in the library's SONAME). */
    public static final int ABI_VERSION = Abi.SV_ABI_VERSION;

    /**
     * The loaded library's version ({@code sv_version}).
     *
     * @throws UnsatisfiedLinkError when libsiteverify cannot be found or has another ABI version
     */
    public static String libraryVersion() {
        return Backend.get().version();
    }

    /**
     * The loaded library's ABI version ({@code sv_abi_version}; on the JNI path, the ABI version of
     * the tree libsiteverify_jni was built from); equal to {@link #ABI_VERSION} once loaded.
     */
    public static int libraryAbiVersion() {
        return Backend.get().abiVersion();
    }

    /** Where the native library was loaded from: a path, a jar resource, or {@code "java.library.path"}. */
    public static String librarySource() {
        return Backend.get().source();
    }

    /**
     * The native path this JVM uses: {@code "ffm"} (Java 22+: libsiteverify's C ABI through
     * {@code java.lang.foreign}) or {@code "jni"} (Java 17 to 21, or {@code -Dsiteverify.backend=jni}:
     * libsiteverify_jni). Both sit over the same Rust core and give the same results.
     *
     * @throws UnsatisfiedLinkError when the native library cannot be found or has another ABI version
     */
    public static String nativePath() {
        return Backend.get().name();
    }

    /** The stable kebab-case name of a C status number ({@code sv_status_str}), {@code "unknown"} if unknown. */
    public static String statusName(int status) {
        return Backend.get().statusName(status);
    }
}
