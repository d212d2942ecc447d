package org.siteverify;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The JNI path: {@code libsiteverify_jni} (crate {@code ffi-jni}), which calls the Rust core
 * directly. Used on Java 17 to 21, where {@code java.lang.foreign} is missing or still preview,
 * and on any release with {@code -Dsiteverify.backend=jni}.
 *
 * <p>Options cross one at a time to the core's generic setter ({@link #builderSet0}), outcomes and
 * stats as records the glue builds through {@link #outcome} and {@link #stats} from the core's
 * typed values, errors as a {@link Failure} carrying the core's stable code and message, so this
 * class only maps. Async results arrive in {@link #onVerified}, called by a library thread
 * exactly once per started call.
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

    private static native long builderNew0(String provider);

    /**
     * {@code ClientBuilder::set_option(name, value)}, the value as {@code kind}
     * ({@link ClientOption.Kind#wire}) says: {@code text}'s UTF-8, {@code whole != 0}, {@code whole},
     * {@code real}, or {@code whole} seconds plus {@code nanos} (a {@code Duration}).
     */
    private static native void builderSet0(long builder, String name, int kind, byte[] text, long whole, int nanos,
            double real);

    private static native long builderBuild0(long builder);

    /** {@code ClientBuilder::on_event}: the hook calls {@link #onEvent} with {@code events}. */
    private static native void builderOnEvent0(long builder, long events);

    private static native long mockStart0(byte[] secret, boolean tls);

    private static native String mockUrl0(long mock);

    private static native String mockEndpoint0(long mock, String provider);

    private static native String mockCaPem0(long mock);

    private static native long mockRequests0(long mock);

    private static native void mockFree0(long mock);

    private static native void builderFree0(long builder);

    private static native String endpoint0(long client);

    private static native void free0(long client);

    /** Verifies; when {@code json} is not null, its first element receives the core's JSON of the outcome (tests). */
    private static native Outcome verify0(long client, byte[] token, byte[] remoteIp, byte[] email, String[] json);

    private static native long verifyAsync0(long client, byte[] token, byte[] remoteIp, byte[] email, long id);

    private static native void cancel0(long task);

    private static native void freeTask0(long task);

    private static native Stats stats0(long client);

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
    long builderNew(String provider) {
        try {
            return builderNew0(provider);
        } catch (Failure f) {
            throw f.translate();
        }
    }

    @Override
    void builderSet(long builder, ClientOption option) {
        byte[] text = option.kind() == ClientOption.Kind.TEXT ? option.textBytes() : null;
        long whole = 0;
        int nanos = 0;
        double real = 0;
        switch (option.kind()) {
            case TEXT -> { }
            case BOOL -> whole = option.boolValue() ? 1 : 0;
            case WHOLE -> whole = option.wholeValue();
            case NUMBER -> real = option.numberValue();
            case DURATION -> {
                whole = option.durationValue().getSeconds();
                nanos = option.durationValue().getNano();
            }
        }
        try {
            builderSet0(builder, option.name(), option.kind().wire, text, whole, nanos, real);
        } catch (Failure f) {
            throw f.translate();
        } finally {
            if (text != null) {
                Arrays.fill(text, (byte) 0); // the core copied it (a secret into its zeroizing copy)
            }
        }
    }

    @Override
    long builderBuild(long builder) {
        try {
            return builderBuild0(builder);
        } catch (Failure f) {
            throw f.translate();
        }
    }

    @Override
    void builderOnEvent(long builder, long events) {
        try {
            builderOnEvent0(builder, events);
        } catch (Failure f) {
            throw f.translate();
        }
    }

    @Override
    long mockStart(byte[] secret, boolean tls) {
        try {
            return mockStart0(secret, tls);
        } catch (Failure f) {
            throw f.translate();
        }
    }

    @Override
    String mockUrl(long mock) {
        return mockUrl0(mock);
    }

    @Override
    String mockEndpoint(long mock, String provider) {
        return mockEndpoint0(mock, provider);
    }

    @Override
    String mockCaPem(long mock) {
        return mockCaPem0(mock);
    }

    @Override
    long mockRequests(long mock) {
        return mockRequests0(mock);
    }

    @Override
    void mockFree(long mock) {
        mockFree0(mock);
    }

    @Override
    void builderFree(long builder) {
        builderFree0(builder);
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
        try {
            return verify0(client, token, remoteIp, email, nativeJson);
        } catch (Failure f) {
            throw f.translate();
        }
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
            return stats0(client);
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
     * outcome ({@link #outcome}), or an error's code and message. Must never throw.
     */
    @SuppressWarnings("unused") // called from native code
    private static void onVerified(long id, Outcome outcome, String code, String message) {
        try {
            Throwable failure = null;
            if (outcome == null) {
                String c = code == null ? "internal" : code;
                failure = SiteverifyException.of(Statuses.number(c), c, message == null ? c : message);
            }
            Async.completed(id, outcome, failure);
        } catch (Throwable ignored) {
            // Nothing may escape into the library thread.
        }
    }

    /**
     * Called by the event hook on the verifying thread (a library thread, or the caller's during
     * a blocking verify), with the outcome as {@link #outcome} built it. Must never throw.
     */
    @SuppressWarnings("unused") // called from native code
    private static void onEvent(long events, String provider, Outcome outcome, double latencyMillis,
            String fingerprint, String level) {
        try {
            Events.deliver(events, new VerificationEvent(provider, outcome, VerificationEvent.millis(latencyMillis),
                    fingerprint, EventLevel.fromCode(level)));
        } catch (Throwable ignored) {
            // Nothing may escape into the library.
        }
    }

    /**
     * The record of one core {@code Outcome}, field by field, called by the glue (the core's
     * absent values arrive as null, {@code hasScore == false} and {@code httpStatus == 0}).
     */
    @SuppressWarnings("unused") // called from native code
    private static Outcome outcome(boolean accepted, boolean verified, boolean conclusive, String reason,
            boolean hasScore, double score, String hostname, String action, String challengeTs, String timestamp,
            String errorKey, String[] errorCodes, String providerReason, int httpStatus, boolean retryable,
            int attempts, boolean failOpenSuspected, String detail) {
        return new Outcome(accepted, verified, conclusive, Reason.fromCode(reason),
                hasScore ? OptionalDouble.of(score) : OptionalDouble.empty(),
                Optional.ofNullable(hostname), Optional.ofNullable(action), Optional.ofNullable(challengeTs),
                Optional.ofNullable(timestamp), Optional.ofNullable(errorKey), Arrays.asList(errorCodes),
                Optional.ofNullable(providerReason),
                httpStatus == 0 ? OptionalInt.empty() : OptionalInt.of(httpStatus),
                retryable, attempts, failOpenSuspected, Optional.ofNullable(detail));
    }

    /**
     * The record of one core {@code StatsSnapshot}, called by the glue: the counters, then
     * {@code by_reason} and {@code by_error_key} as parallel arrays of keys and counts, and the
     * core's JSON of the snapshot for the histograms and {@code by_attempts} (read as the FFM path
     * reads them).
     */
    @SuppressWarnings("unused") // called from native code
    private static Stats stats(long verifications, long accepted, long notAccepted, long inconclusive,
            long failOpenSuspected, long retries, long errors, long outageAccepted, long outageRefused,
            long outageProbes, String providerHealth, String[] reasons, long[] reasonCounts, String[] errorKeys,
            long[] errorKeyCounts, String json) {
        Map<Reason, Long> byReason = new EnumMap<>(Reason.class);
        for (int i = 0; i < reasons.length; i++) {
            Reason r = Reason.fromCode(reasons[i]);
            if (r != Reason.UNKNOWN && reasonCounts[i] > 0) {
                byReason.put(r, reasonCounts[i]);
            }
        }
        Map<String, Long> byErrorKey = new HashMap<>();
        for (int i = 0; i < errorKeys.length; i++) {
            byErrorKey.put(errorKeys[i], errorKeyCounts[i]);
        }
        Stats.Timings t = Stats.Timings.fromJson(json);
        return new Stats(verifications, accepted, notAccepted, inconclusive, failOpenSuspected, retries, errors,
                outageAccepted, outageRefused, outageProbes, providerHealth, t.verificationSeconds(),
                t.roundTripSeconds(), t.byAttempts(), byReason, byErrorKey);
    }
}
