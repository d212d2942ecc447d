package org.siteverify;

import java.util.List;

/**
 * The JNI path: {@code libsiteverify_jni} (crate {@code ffi-jni}), which calls the Rust core
 * directly. Used on Java 17 to 21, where {@code java.lang.foreign} is missing or still preview,
 * and on any release with {@code -Dsiteverify.backend=jni}.
 *
 * <p>Outcomes and stats cross as the core's own JSON, errors as a {@link Failure} carrying the
 * core's stable code and message, so this class only parses and maps. Async results arrive in
 * {@link #onVerified}, called by a library thread exactly once per started call.
 */
final class JniBackend extends Backend {
    static final String LIBRARY = "siteverify_jni";

    private final String source;

    JniBackend() {
        NativeLoader.Location where = NativeLoader.locate(LIBRARY);
        if (where.path() != null) {
            System.load(where.path().toAbsolutePath().toString());
        } else {
            try {
                System.loadLibrary(LIBRARY);
            } catch (UnsatisfiedLinkError e) {
                throw NativeLoader.notFound(LIBRARY, e);
            }
        }
        this.source = where.source();
        int abi = init();
        if (abi != Abi.SV_ABI_VERSION) {
            throw new UnsatisfiedLinkError("libsiteverify_jni at " + source + " has ABI version " + abi
                    + ", this binding needs ABI version " + Abi.SV_ABI_VERSION);
        }
    }

    /**
     * What the native code throws: {@code "code:message"}, the core's stable code and a message
     * that never holds an argument's value. Turned into the typed exceptions at once.
     */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(String codeAndMessage) {
            super(codeAndMessage, null, false, false);
        }

        SiteverifyException translate() {
            String m = String.valueOf(getMessage());
            int colon = m.indexOf(':');
            String code = colon < 0 ? "internal" : m.substring(0, colon);
            String message = colon < 0 ? m : m.substring(colon + 1);
            return SiteverifyException.of(Statuses.number(code), code, message);
        }
    }

    // ---- natives (ffi-jni/src/lib.rs) ----
    private static native int init();

    private static native String version0();

    private static native String reasonStr0(int number);

    private static native long build0(String provider, byte[] secret, byte[] endpoint, byte[] region, byte[] proxy,
            byte[][] hostnames, byte[][] actions, byte[][] caPems, byte[][] caFiles, long[] numbers,
            boolean hasThreshold, double threshold, String failMode, String onFailOpen, int allowHttp);

    private static native String endpoint0(long client);

    private static native void free0(long client);

    private static native String verify0(long client, byte[] token, byte[] remoteIp, byte[] email);

    private static native long verifyAsync0(long client, byte[] token, byte[] remoteIp, byte[] email, long id);

    private static native void cancel0(long task);

    private static native void freeTask0(long task);

    private static native String stats0(long client);

    private static native void testingArmInjectedPanic0(boolean armed);

    private static native String testingPanicToken0();

    // ---- Backend ----
    @Override
    String name() {
        return "jni";
    }

    @Override
    String source() {
        return source;
    }

    @Override
    String version() {
        return version0();
    }

    @Override
    int abiVersion() {
        return init();
    }

    @Override
    String reasonStr(int number) {
        return reasonStr0(number);
    }

    @Override
    String statusName(int status) {
        return Statuses.name(status);
    }

    @Override
    long build(ClientConfig c) {
        long[] numbers = {
            c.timeoutMs(), c.connectTimeoutMs(), c.attemptTimeoutMs(), c.maxRetries(),
            c.backoffBaseMs(), c.backoffMaxMs(), c.maxAgeSeconds(),
        };
        try {
            return build0(c.provider().code(), c.secret(), c.endpoint(), c.region(), c.proxy(),
                    array(c.hostnames()), array(c.actions()), array(c.caPems()), array(c.caFiles()), numbers,
                    c.scoreThreshold() != null, c.scoreThreshold() != null ? c.scoreThreshold() : 0.0,
                    c.failMode() == null ? null : c.failMode().code(),
                    c.onFailOpen() == null ? null : c.onFailOpen().code(),
                    c.allowHttp() == null ? -1 : c.allowHttp() ? 1 : 0);
        } catch (Failure f) {
            throw f.translate();
        }
    }

    private static byte[][] array(List<byte[]> list) {
        return list.toArray(new byte[0][]);
    }

    @Override
    String endpoint(long client) {
        try {
            return endpoint0(client);
        } catch (Failure f) {
            throw f.translate();
        }
    }

    @Override
    void free(long client) {
        free0(client);
    }

    @Override
    Outcome verify(long client, byte[] token, byte[] remoteIp, byte[] email, String[] nativeJson) {
        String json;
        try {
            json = verify0(client, token, remoteIp, email);
        } catch (Failure f) {
            throw f.translate();
        }
        if (nativeJson != null) {
            nativeJson[0] = json;
        }
        return Outcomes.fromJson(json);
    }

    @Override
    long verifyAsync(long client, byte[] token, byte[] remoteIp, byte[] email, long id) {
        try {
            return verifyAsync0(client, token, remoteIp, email, id);
        } catch (Failure f) {
            throw f.translate();
        }
    }

    @Override
    void cancel(long task) {
        cancel0(task);
    }

    @Override
    void freeTask(long task) {
        freeTask0(task);
    }

    @Override
    Stats stats(long client) {
        try {
            return Stats.fromJson(stats0(client));
        } catch (Failure f) {
            throw f.translate();
        }
    }

    @Override
    void testingArmInjectedPanic(boolean armed) {
        testingArmInjectedPanic0(armed);
    }

    @Override
    String testingPanicToken() {
        return testingPanicToken0();
    }

    /**
     * Called by the library, on one of its threads, exactly once per started async call: the
     * outcome's JSON, or an error's code and message. Must never throw.
     */
    @SuppressWarnings("unused") // called from native code
    private static void onVerified(long id, String json, String code, String message) {
        try {
            Outcome result = null;
            Throwable failure = null;
            try {
                if (json != null) {
                    result = Outcomes.fromJson(json);
                } else {
                    String c = code == null ? "internal" : code;
                    failure = SiteverifyException.of(Statuses.number(c), c, message == null ? c : message);
                }
            } catch (Throwable t) {
                failure = t;
            }
            Async.completed(id, result, failure);
        } catch (Throwable ignored) {
            // Nothing may escape into the library thread.
        }
    }
}
