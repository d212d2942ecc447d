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
        NativeLoader.lookup();
        return Native.version();
    }

    /** The loaded library's ABI version ({@code sv_abi_version}); equal to {@link #ABI_VERSION} once loaded. */
    public static int libraryAbiVersion() {
        NativeLoader.lookup();
        return Native.abiVersion();
    }

    /** Where the library was loaded from: a path, or {@code "java.library.path"}. */
    public static String librarySource() {
        return NativeLoader.source();
    }

    /** The stable kebab-case name of a C status number ({@code sv_status_str}), {@code "unknown"} if unknown. */
    public static String statusName(int status) {
        NativeLoader.lookup();
        return Native.statusStr(status);
    }
}
