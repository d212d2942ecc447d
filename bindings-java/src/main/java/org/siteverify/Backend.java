package org.siteverify;

import java.util.List;

/**
 * The native path under the public API: {@link JniBackend} (libsiteverify_jni, any Java 17+)
 * or, on Java 22 and newer, {@code FfmBackend} (libsiteverify's C ABI through
 * {@code java.lang.foreign}; it lives in {@code META-INF/versions/22} of the jar). Which one
 * a JVM uses is decided once, by {@link Backends}.
 *
 * <p>Both translate and decide nothing: the verdict, the reasons and the error codes come from
 * the same Rust core. Native handles are plain {@code long} addresses owned by
 * {@link NativeClient} (clients) and {@link Async.Pending} (tasks). Strings arrive as the exact
 * UTF-8 bytes {@link Utf8} produced, already checked, so both paths see the same bytes.
 */
abstract class Backend {
    /** "jni" or "ffm". */
    abstract String name();

    /** Where the native library came from: a path, a jar resource, or "java.library.path". */
    abstract String source();

    abstract String version();

    abstract int abiVersion();

    /** The code of reason number {@code number}, or null when the library has no such reason. */
    abstract String reasonStr(int number);

    /** The stable kebab-case name of a C ABI status number, "unknown" for numbers unknown. */
    abstract String statusName(int status);

    /**
     * Builds a native client (freed with {@link #free}) for the provider the core knows by
     * {@code provider}, handing each option to the core's generic setter in order; throws the
     * core's {@link SiteverifyException} for the first option (or provider) it refuses.
     */
    final long build(String provider, List<ClientOption> options) {
        long builder = builderNew(provider);
        try {
            for (ClientOption option : options) {
                builderSet(builder, option);
            }
            return builderBuild(builder);
        } finally {
            builderFree(builder);
        }
    }

    /** A native builder for the named provider (the core refuses an unknown name: {@code configuration}). */
    abstract long builderNew(String provider);

    /** Sets one option by the core's name ({@code ClientBuilder::set_option}); text values are wiped after. */
    abstract void builderSet(long builder, ClientOption option);

    /** Builds a client from a native builder, which stays the caller's to free. */
    abstract long builderBuild(long builder);

    abstract void builderFree(long builder);

    abstract String endpoint(long client);

    abstract void free(long client);

    /** Blocking verify; {@code nativeJson}, when not null, receives the core's JSON of the outcome. */
    abstract Outcome verify(long client, byte[] token, byte[] remoteIp, byte[] email, String[] nativeJson);

    /**
     * Starts a verification whose result reaches {@link Async#completed} exactly once, on a
     * library thread, with {@code id}; returns a task handle, or throws (then nothing arrives).
     */
    abstract long verifyAsync(long client, byte[] token, byte[] remoteIp, byte[] email, long id);

    abstract void cancel(long task);

    abstract void freeTask(long task);

    abstract Stats stats(long client);

    /**
     * Test support only, never public API: arms or disarms the core's injected panic
     * (process-wide). While armed, verifying {@link #testingPanicToken()} panics inside the
     * verification, and every entry point must still complete exactly once with {@code internal}.
     */
    abstract void testingArmInjectedPanic(boolean armed);

    /** Test support only: the token that panics while the injected panic is armed. */
    abstract String testingPanicToken();

    /** The backend of this JVM; throws the (remembered) reason when it could not be loaded. */
    static Backend get() {
        if (Holder.FAILURE != null) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError(Holder.FAILURE.getMessage());
            e.initCause(Holder.FAILURE);
            throw e;
        }
        return Holder.INSTANCE;
    }

    /** Loaded once per class loader; a failure is reported with the same message on every use. */
    private static final class Holder {
        static final Backend INSTANCE;
        static final Throwable FAILURE;

        static {
            Backend b = null;
            Throwable failure = null;
            try {
                b = Backends.create();
            } catch (Throwable t) {
                failure = t;
            }
            INSTANCE = b;
            FAILURE = failure;
        }
    }
}
