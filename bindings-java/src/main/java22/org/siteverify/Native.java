package org.siteverify;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * Downcall handles for every function of {@code siteverify.h}, created once, and thin typed
 * wrappers around them (the FFM path, Java 22+). Nothing here owns memory: callers free what
 * they receive.
 *
 * <p>Touch this class only after {@link FfmBackend} loaded the library (the public entry points
 * go through {@link Backend#get()}), so that a missing library gives a clear error instead of a
 * failed class init.
 */
final class Native {
    private Native() {}

    static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIB = FfmBackend.lookup();
    private static final MemoryLayout SIZE_T = LINKER.canonicalLayouts().get("size_t");

    static {
        if (SIZE_T.byteSize() != 8) {
            throw new UnsatisfiedLinkError("siteverify-java supports 64-bit platforms only");
        }
    }

    private static final MemoryLayout A = ADDRESS;
    private static final MemoryLayout I = JAVA_INT;
    private static final MemoryLayout L = JAVA_LONG;

    private static MethodHandle fn(String name, MemoryLayout ret, MemoryLayout... args) {
        MemorySegment symbol = LIB.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libsiteverify has no symbol " + name));
        FunctionDescriptor d = ret == null ? FunctionDescriptor.ofVoid(args) : FunctionDescriptor.of(ret, args);
        return LINKER.downcallHandle(symbol, d);
    }

    // Builder.
    private static final MethodHandle BUILDER_NEW_NAMED = fn("sv_client_builder_new_named", I, A, A, A);
    private static final MethodHandle BUILDER_FREE = fn("sv_client_builder_free", null, A);
    private static final MethodHandle SET_OPTION_STR = fn("sv_client_builder_set_option_str", I, A, A, A, A);
    private static final MethodHandle SET_OPTION_BOOL = fn("sv_client_builder_set_option_bool", I, A, A, JAVA_BOOLEAN, A);
    private static final MethodHandle SET_OPTION_I64 = fn("sv_client_builder_set_option_i64", I, A, A, L, A);
    private static final MethodHandle SET_OPTION_F64 = fn("sv_client_builder_set_option_f64", I, A, A, JAVA_DOUBLE, A);
    private static final MethodHandle SET_OPTION_MILLIS = fn("sv_client_builder_set_option_millis", I, A, A, JAVA_DOUBLE, A);
    private static final MethodHandle BUILD = fn("sv_client_builder_build", I, A, A, A);

    // Per-call options.
    private static final MethodHandle OPTIONS_NEW = fn("sv_verify_options_new", I, A);
    private static final MethodHandle OPTIONS_FREE = fn("sv_verify_options_free", null, A);
    private static final MethodHandle OPTIONS_REMOTE_IP = fn("sv_verify_options_set_remote_ip", I, A, A);
    private static final MethodHandle OPTIONS_EMAIL = fn("sv_verify_options_set_email", I, A, A);

    // Client.
    private static final MethodHandle CLIENT_FREE = fn("sv_client_free", null, A);
    private static final MethodHandle CLIENT_ENDPOINT = fn("sv_client_endpoint", A, A);
    private static final MethodHandle VERIFY = fn("sv_client_verify", I, A, A, SIZE_T, A, A, A);
    private static final MethodHandle VERIFY_ASYNC = fn("sv_client_verify_async", I, A, A, SIZE_T, A, A, A, A, A);
    private static final MethodHandle TASK_CANCEL = fn("sv_task_cancel", I, A);
    private static final MethodHandle TASK_FREE = fn("sv_task_free", null, A);
    private static final MethodHandle CLIENT_STATS = fn("sv_client_stats", I, A, A);

    // Errors.
    private static final MethodHandle ERROR_CODE = fn("sv_error_code", I, A);
    private static final MethodHandle ERROR_NAME = fn("sv_error_name", A, A);
    private static final MethodHandle ERROR_MESSAGE = fn("sv_error_message", A, A);
    private static final MethodHandle ERROR_FREE = fn("sv_error_free", null, A);

    // Outcome.
    private static final MethodHandle O_ACCEPTED = fn("sv_outcome_accepted", JAVA_BOOLEAN, A);
    private static final MethodHandle O_VERIFIED = fn("sv_outcome_verified", JAVA_BOOLEAN, A);
    private static final MethodHandle O_CONCLUSIVE = fn("sv_outcome_conclusive", JAVA_BOOLEAN, A);
    private static final MethodHandle O_REASON = fn("sv_outcome_reason", I, A);
    private static final MethodHandle O_REASON_STR = fn("sv_outcome_reason_str", A, A);
    private static final MethodHandle O_SCORE = fn("sv_outcome_score", JAVA_BOOLEAN, A, A);
    private static final MethodHandle O_HOSTNAME = fn("sv_outcome_hostname", A, A);
    private static final MethodHandle O_ACTION = fn("sv_outcome_action", A, A);
    private static final MethodHandle O_CHALLENGE_TS = fn("sv_outcome_challenge_ts", A, A);
    private static final MethodHandle O_TIMESTAMP = fn("sv_outcome_timestamp", A, A);
    private static final MethodHandle O_ERROR_KEY = fn("sv_outcome_error_key", A, A);
    private static final MethodHandle O_ERROR_CODE_COUNT = fn("sv_outcome_error_code_count", SIZE_T, A);
    private static final MethodHandle O_ERROR_CODE = fn("sv_outcome_error_code", A, A, SIZE_T);
    private static final MethodHandle O_PROVIDER_REASON = fn("sv_outcome_provider_reason", A, A);
    private static final MethodHandle O_HTTP_STATUS = fn("sv_outcome_http_status", JAVA_SHORT, A);
    private static final MethodHandle O_RETRYABLE = fn("sv_outcome_retryable", JAVA_BOOLEAN, A);
    private static final MethodHandle O_ATTEMPTS = fn("sv_outcome_attempts", I, A);
    private static final MethodHandle O_FAIL_OPEN = fn("sv_outcome_fail_open_suspected", JAVA_BOOLEAN, A);
    private static final MethodHandle O_DETAIL = fn("sv_outcome_detail", A, A);
    private static final MethodHandle O_TO_JSON = fn("sv_outcome_to_json", A, A); // tests only: the cross-check
    private static final MethodHandle REASON_STR = fn("sv_reason_str", A, I);
    private static final MethodHandle OUTCOME_FREE = fn("sv_outcome_free", null, A);

    // Stats.
    private static final MethodHandle S_VERIFICATIONS = fn("sv_stats_verifications", L, A);
    private static final MethodHandle S_ACCEPTED = fn("sv_stats_accepted", L, A);
    private static final MethodHandle S_NOT_ACCEPTED = fn("sv_stats_not_accepted", L, A);
    private static final MethodHandle S_INCONCLUSIVE = fn("sv_stats_inconclusive", L, A);
    private static final MethodHandle S_FAIL_OPEN = fn("sv_stats_fail_open_suspected", L, A);
    private static final MethodHandle S_RETRIES = fn("sv_stats_retries", L, A);
    private static final MethodHandle S_ERRORS = fn("sv_stats_errors", L, A);
    private static final MethodHandle S_OUTAGE_ACCEPTED = fn("sv_stats_outage_accepted", L, A);
    private static final MethodHandle S_OUTAGE_REFUSED = fn("sv_stats_outage_refused", L, A);
    private static final MethodHandle S_OUTAGE_PROBES = fn("sv_stats_outage_probes", L, A);
    private static final MethodHandle S_PROVIDER_HEALTH = fn("sv_stats_provider_health", A, A);
    private static final MethodHandle S_REASON_COUNT = fn("sv_stats_reason_count", L, A, I);
    private static final MethodHandle S_ERROR_KEY_LEN = fn("sv_stats_error_key_len", SIZE_T, A);
    private static final MethodHandle S_ERROR_KEY_AT = fn("sv_stats_error_key_at", A, A, SIZE_T);
    private static final MethodHandle S_ERROR_KEY_COUNT = fn("sv_stats_error_key_count", L, A, A);
    private static final MethodHandle STATS_FREE = fn("sv_stats_free", null, A);

    // Library.
    private static final MethodHandle STATUS_STR = fn("sv_status_str", A, I);
    private static final MethodHandle VERSION = fn("sv_version", A);
    private static final MethodHandle ABI_VERSION = fn("sv_abi_version", I);

    /** A Throwable from invokeExact is never a checked error here (the signatures are fixed). */
    private static RuntimeException fatal(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("unexpected exception from a native call", t);
    }

    /** A NUL-terminated UTF-8 string owned by the library, copied; null for NULL. */
    static String string(MemorySegment p) {
        if (p.equals(MemorySegment.NULL)) {
            return null;
        }
        return p.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
    }

    // ---- builder ----
    static int builderNewNamed(MemorySegment provider, MemorySegment out, MemorySegment errOut) {
        try { return (int) BUILDER_NEW_NAMED.invokeExact(provider, out, errOut); } catch (Throwable t) { throw fatal(t); }
    }

    static void builderFree(MemorySegment b) {
        try { BUILDER_FREE.invokeExact(b); } catch (Throwable t) { throw fatal(t); }
    }

    static int setOptionStr(MemorySegment b, MemorySegment name, MemorySegment value, MemorySegment errOut) {
        try { return (int) SET_OPTION_STR.invokeExact(b, name, value, errOut); } catch (Throwable t) { throw fatal(t); }
    }

    static int setOptionBool(MemorySegment b, MemorySegment name, boolean value, MemorySegment errOut) {
        try { return (int) SET_OPTION_BOOL.invokeExact(b, name, value, errOut); } catch (Throwable t) { throw fatal(t); }
    }

    static int setOptionI64(MemorySegment b, MemorySegment name, long value, MemorySegment errOut) {
        try { return (int) SET_OPTION_I64.invokeExact(b, name, value, errOut); } catch (Throwable t) { throw fatal(t); }
    }

    static int setOptionF64(MemorySegment b, MemorySegment name, double value, MemorySegment errOut) {
        try { return (int) SET_OPTION_F64.invokeExact(b, name, value, errOut); } catch (Throwable t) { throw fatal(t); }
    }

    static int setOptionMillis(MemorySegment b, MemorySegment name, double millis, MemorySegment errOut) {
        try { return (int) SET_OPTION_MILLIS.invokeExact(b, name, millis, errOut); } catch (Throwable t) { throw fatal(t); }
    }

    static int build(MemorySegment b, MemorySegment clientOut, MemorySegment errOut) {
        try { return (int) BUILD.invokeExact(b, clientOut, errOut); } catch (Throwable t) { throw fatal(t); }
    }

    // ---- options ----
    static int optionsNew(MemorySegment out) {
        try { return (int) OPTIONS_NEW.invokeExact(out); } catch (Throwable t) { throw fatal(t); }
    }

    static void optionsFree(MemorySegment o) {
        try { OPTIONS_FREE.invokeExact(o); } catch (Throwable t) { throw fatal(t); }
    }

    static int optionsSetRemoteIp(MemorySegment o, MemorySegment ip) {
        try { return (int) OPTIONS_REMOTE_IP.invokeExact(o, ip); } catch (Throwable t) { throw fatal(t); }
    }

    static int optionsSetEmail(MemorySegment o, MemorySegment email) {
        try { return (int) OPTIONS_EMAIL.invokeExact(o, email); } catch (Throwable t) { throw fatal(t); }
    }

    // ---- client ----
    static void clientFree(MemorySegment c) {
        try { CLIENT_FREE.invokeExact(c); } catch (Throwable t) { throw fatal(t); }
    }

    static MemorySegment clientEndpoint(MemorySegment c) {
        try { return (MemorySegment) CLIENT_ENDPOINT.invokeExact(c); } catch (Throwable t) { throw fatal(t); }
    }

    static int verify(MemorySegment c, MemorySegment token, long len, MemorySegment options,
                      MemorySegment outcomeOut, MemorySegment errOut) {
        try {
            return (int) VERIFY.invokeExact(c, token, len, options, outcomeOut, errOut);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static int verifyAsync(MemorySegment c, MemorySegment token, long len, MemorySegment options,
                           MemorySegment callback, MemorySegment userdata, MemorySegment taskOut,
                           MemorySegment errOut) {
        try {
            return (int) VERIFY_ASYNC.invokeExact(c, token, len, options, callback, userdata, taskOut, errOut);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static int taskCancel(MemorySegment task) {
        try { return (int) TASK_CANCEL.invokeExact(task); } catch (Throwable t) { throw fatal(t); }
    }

    static void taskFree(MemorySegment task) {
        try { TASK_FREE.invokeExact(task); } catch (Throwable t) { throw fatal(t); }
    }

    static int clientStats(MemorySegment c, MemorySegment out) {
        try { return (int) CLIENT_STATS.invokeExact(c, out); } catch (Throwable t) { throw fatal(t); }
    }

    // ---- errors ----
    static int errorCode(MemorySegment e) {
        try { return (int) ERROR_CODE.invokeExact(e); } catch (Throwable t) { throw fatal(t); }
    }

    static String errorName(MemorySegment e) {
        try { return string((MemorySegment) ERROR_NAME.invokeExact(e)); } catch (Throwable t) { throw fatal(t); }
    }

    static String errorMessage(MemorySegment e) {
        try { return string((MemorySegment) ERROR_MESSAGE.invokeExact(e)); } catch (Throwable t) { throw fatal(t); }
    }

    static void errorFree(MemorySegment e) {
        try { ERROR_FREE.invokeExact(e); } catch (Throwable t) { throw fatal(t); }
    }

    // ---- outcome ----
    static boolean outcomeAccepted(MemorySegment o) {
        try { return (boolean) O_ACCEPTED.invokeExact(o); } catch (Throwable t) { throw fatal(t); }
    }

    static boolean outcomeVerified(MemorySegment o) {
        try { return (boolean) O_VERIFIED.invokeExact(o); } catch (Throwable t) { throw fatal(t); }
    }

    static boolean outcomeConclusive(MemorySegment o) {
        try { return (boolean) O_CONCLUSIVE.invokeExact(o); } catch (Throwable t) { throw fatal(t); }
    }

    static int outcomeReason(MemorySegment o) {
        try { return (int) O_REASON.invokeExact(o); } catch (Throwable t) { throw fatal(t); }
    }

    static String outcomeReasonStr(MemorySegment o) {
        try { return string((MemorySegment) O_REASON_STR.invokeExact(o)); } catch (Throwable t) { throw fatal(t); }
    }

    static boolean outcomeScore(MemorySegment o, MemorySegment out) {
        try { return (boolean) O_SCORE.invokeExact(o, out); } catch (Throwable t) { throw fatal(t); }
    }

    /** The outcome's optional strings, by field. */
    enum OutcomeString {
        HOSTNAME, ACTION, CHALLENGE_TS, TIMESTAMP, ERROR_KEY, PROVIDER_REASON, DETAIL, JSON
    }

    static String outcomeString(OutcomeString field, MemorySegment o) {
        MethodHandle h = switch (field) {
            case HOSTNAME -> O_HOSTNAME;
            case ACTION -> O_ACTION;
            case CHALLENGE_TS -> O_CHALLENGE_TS;
            case TIMESTAMP -> O_TIMESTAMP;
            case ERROR_KEY -> O_ERROR_KEY;
            case PROVIDER_REASON -> O_PROVIDER_REASON;
            case DETAIL -> O_DETAIL;
            case JSON -> O_TO_JSON;
        };
        try { return string((MemorySegment) h.invokeExact(o)); } catch (Throwable t) { throw fatal(t); }
    }

    static long outcomeErrorCodeCount(MemorySegment o) {
        try { return (long) O_ERROR_CODE_COUNT.invokeExact(o); } catch (Throwable t) { throw fatal(t); }
    }

    static String outcomeErrorCode(MemorySegment o, long index) {
        try { return string((MemorySegment) O_ERROR_CODE.invokeExact(o, index)); } catch (Throwable t) { throw fatal(t); }
    }

    static int outcomeHttpStatus(MemorySegment o) {
        try { return Short.toUnsignedInt((short) O_HTTP_STATUS.invokeExact(o)); } catch (Throwable t) { throw fatal(t); }
    }

    static boolean outcomeRetryable(MemorySegment o) {
        try { return (boolean) O_RETRYABLE.invokeExact(o); } catch (Throwable t) { throw fatal(t); }
    }

    static long outcomeAttempts(MemorySegment o) {
        try { return Integer.toUnsignedLong((int) O_ATTEMPTS.invokeExact(o)); } catch (Throwable t) { throw fatal(t); }
    }

    static boolean outcomeFailOpenSuspected(MemorySegment o) {
        try { return (boolean) O_FAIL_OPEN.invokeExact(o); } catch (Throwable t) { throw fatal(t); }
    }

    static String reasonStr(int reason) {
        try { return string((MemorySegment) REASON_STR.invokeExact(reason)); } catch (Throwable t) { throw fatal(t); }
    }

    static void outcomeFree(MemorySegment o) {
        try { OUTCOME_FREE.invokeExact(o); } catch (Throwable t) { throw fatal(t); }
    }

    // ---- stats ----
    /** The stats counters, by field. */
    enum StatsCounter {
        VERIFICATIONS, ACCEPTED, NOT_ACCEPTED, INCONCLUSIVE, FAIL_OPEN_SUSPECTED, RETRIES, ERRORS,
        OUTAGE_ACCEPTED, OUTAGE_REFUSED, OUTAGE_PROBES
    }

    static long statsCounter(StatsCounter counter, MemorySegment s) {
        MethodHandle h = switch (counter) {
            case VERIFICATIONS -> S_VERIFICATIONS;
            case ACCEPTED -> S_ACCEPTED;
            case NOT_ACCEPTED -> S_NOT_ACCEPTED;
            case INCONCLUSIVE -> S_INCONCLUSIVE;
            case FAIL_OPEN_SUSPECTED -> S_FAIL_OPEN;
            case RETRIES -> S_RETRIES;
            case ERRORS -> S_ERRORS;
            case OUTAGE_ACCEPTED -> S_OUTAGE_ACCEPTED;
            case OUTAGE_REFUSED -> S_OUTAGE_REFUSED;
            case OUTAGE_PROBES -> S_OUTAGE_PROBES;
        };
        try { return (long) h.invokeExact(s); } catch (Throwable t) { throw fatal(t); }
    }

    static long statsReasonCount(MemorySegment s, int reason) {
        try { return (long) S_REASON_COUNT.invokeExact(s, reason); } catch (Throwable t) { throw fatal(t); }
    }

    static String statsProviderHealth(MemorySegment s) {
        try { return string((MemorySegment) S_PROVIDER_HEALTH.invokeExact(s)); } catch (Throwable t) { throw fatal(t); }
    }

    static long statsErrorKeyLen(MemorySegment s) {
        try { return (long) S_ERROR_KEY_LEN.invokeExact(s); } catch (Throwable t) { throw fatal(t); }
    }

    /** The {@code index}-th error key, still as the library's C string (for {@link #statsErrorKeyCount}). */
    static MemorySegment statsErrorKeyAt(MemorySegment s, long index) {
        try { return (MemorySegment) S_ERROR_KEY_AT.invokeExact(s, index); } catch (Throwable t) { throw fatal(t); }
    }

    static long statsErrorKeyCount(MemorySegment s, MemorySegment key) {
        try { return (long) S_ERROR_KEY_COUNT.invokeExact(s, key); } catch (Throwable t) { throw fatal(t); }
    }

    static void statsFree(MemorySegment s) {
        try { STATS_FREE.invokeExact(s); } catch (Throwable t) { throw fatal(t); }
    }

    // ---- library ----
    static String statusStr(int status) {
        try { return string((MemorySegment) STATUS_STR.invokeExact(status)); } catch (Throwable t) { throw fatal(t); }
    }

    static String version() {
        try { return string((MemorySegment) VERSION.invokeExact()); } catch (Throwable t) { throw fatal(t); }
    }

    static int abiVersion() {
        try { return (int) ABI_VERSION.invokeExact(); } catch (Throwable t) { throw fatal(t); }
    }

    /**
     * Test support only ({@code sv_testing_*}), linked on first use so that ordinary use never
     * touches these symbols.
     */
    static final class Testing {
        private Testing() {}

        private static final MethodHandle ARM = fn("sv_testing_arm_injected_panic", null, JAVA_BOOLEAN);
        private static final MethodHandle TOKEN = fn("sv_testing_panic_token", A);

        static void armInjectedPanic(boolean armed) {
            try { ARM.invokeExact(armed); } catch (Throwable t) { throw fatal(t); }
        }

        static String panicToken() {
            try { return string((MemorySegment) TOKEN.invokeExact()); } catch (Throwable t) { throw fatal(t); }
        }
    }

    /**
     * Turns a failed status and its error object into an exception, freeing the error.
     * {@code error} may be NULL (then the status alone names the failure).
     */
    static SiteverifyException takeError(int status, MemorySegment error) {
        if (error.equals(MemorySegment.NULL)) {
            return SiteverifyException.of(status, statusStr(status), "siteverify call failed: " + statusStr(status));
        }
        try {
            int code = errorCode(error);
            return SiteverifyException.of(code, errorName(error), errorMessage(error));
        } finally {
            errorFree(error);
        }
    }
}
