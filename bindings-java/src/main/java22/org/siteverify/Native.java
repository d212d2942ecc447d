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
 * Downcall handles for the functions of {@code siteverify.h} the binding calls, created once and
 * generated from the header's prototypes, and thin typed wrappers around them (the FFM path,
 * Java 22+). Nothing here owns memory: callers free what they receive.
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

    private static MethodHandle fn(String name, MemoryLayout ret, MemoryLayout... args) {
        MemorySegment symbol = LIB.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libsiteverify has no symbol " + name));
        FunctionDescriptor d = ret == null ? FunctionDescriptor.ofVoid(args) : FunctionDescriptor.of(ret, args);
        return LINKER.downcallHandle(symbol, d);
    }

    // The downcall handles, one per function of the header that this class calls, each named after
    // its C function in capitals and typed from its prototype in include/siteverify.h: to call
    // another function, use its handle's name here and run `make vocab`.
    // BEGIN GENERATED java-downcalls (siteverify-vocab; edit core/, then `make vocab`)
    private static final MethodHandle SV_CLIENT_BUILDER_NEW_NAMED =
            fn("sv_client_builder_new_named", JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle SV_CLIENT_BUILDER_FREE = fn("sv_client_builder_free", null, ADDRESS);
    private static final MethodHandle SV_VERIFY_OPTIONS_NEW = fn("sv_verify_options_new", JAVA_INT, ADDRESS);
    private static final MethodHandle SV_VERIFY_OPTIONS_FREE = fn("sv_verify_options_free", null, ADDRESS);
    private static final MethodHandle SV_VERIFY_OPTIONS_SET_REMOTE_IP =
            fn("sv_verify_options_set_remote_ip", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle SV_VERIFY_OPTIONS_SET_EMAIL =
            fn("sv_verify_options_set_email", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle SV_CLIENT_BUILDER_SET_EVENT_CALLBACK =
            fn("sv_client_builder_set_event_callback", JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle SV_CLIENT_BUILDER_BUILD =
            fn("sv_client_builder_build", JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle SV_CLIENT_FREE = fn("sv_client_free", null, ADDRESS);
    private static final MethodHandle SV_CLIENT_ENDPOINT = fn("sv_client_endpoint", ADDRESS, ADDRESS);
    private static final MethodHandle SV_CLIENT_VERIFY =
            fn("sv_client_verify", JAVA_INT, ADDRESS, ADDRESS, SIZE_T, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle SV_CLIENT_VERIFY_ASYNC =
            fn("sv_client_verify_async", JAVA_INT, ADDRESS, ADDRESS, SIZE_T, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle SV_TASK_CANCEL = fn("sv_task_cancel", JAVA_INT, ADDRESS);
    private static final MethodHandle SV_TASK_FREE = fn("sv_task_free", null, ADDRESS);
    private static final MethodHandle SV_CLIENT_STATS = fn("sv_client_stats", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle SV_ERROR_CODE = fn("sv_error_code", JAVA_INT, ADDRESS);
    private static final MethodHandle SV_ERROR_NAME = fn("sv_error_name", ADDRESS, ADDRESS);
    private static final MethodHandle SV_ERROR_MESSAGE = fn("sv_error_message", ADDRESS, ADDRESS);
    private static final MethodHandle SV_ERROR_FREE = fn("sv_error_free", null, ADDRESS);
    private static final MethodHandle SV_MOCK_START =
            fn("sv_mock_start", JAVA_INT, ADDRESS, JAVA_BOOLEAN, ADDRESS, ADDRESS);
    private static final MethodHandle SV_MOCK_URL = fn("sv_mock_url", ADDRESS, ADDRESS);
    private static final MethodHandle SV_MOCK_ENDPOINT = fn("sv_mock_endpoint", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle SV_MOCK_CA_PEM = fn("sv_mock_ca_pem", ADDRESS, ADDRESS);
    private static final MethodHandle SV_MOCK_REQUESTS = fn("sv_mock_requests", JAVA_LONG, ADDRESS);
    private static final MethodHandle SV_MOCK_FREE = fn("sv_mock_free", null, ADDRESS);
    private static final MethodHandle SV_CLIENT_BUILDER_SET_OPTION_STR =
            fn("sv_client_builder_set_option_str", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle SV_CLIENT_BUILDER_SET_OPTION_BOOL =
            fn("sv_client_builder_set_option_bool", JAVA_INT, ADDRESS, ADDRESS, JAVA_BOOLEAN, ADDRESS);
    private static final MethodHandle SV_CLIENT_BUILDER_SET_OPTION_I64 =
            fn("sv_client_builder_set_option_i64", JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
    private static final MethodHandle SV_CLIENT_BUILDER_SET_OPTION_F64 =
            fn("sv_client_builder_set_option_f64", JAVA_INT, ADDRESS, ADDRESS, JAVA_DOUBLE, ADDRESS);
    private static final MethodHandle SV_CLIENT_BUILDER_SET_OPTION_MILLIS =
            fn("sv_client_builder_set_option_millis", JAVA_INT, ADDRESS, ADDRESS, JAVA_DOUBLE, ADDRESS);
    private static final MethodHandle SV_OUTCOME_ACCEPTED = fn("sv_outcome_accepted", JAVA_BOOLEAN, ADDRESS);
    private static final MethodHandle SV_OUTCOME_VERIFIED = fn("sv_outcome_verified", JAVA_BOOLEAN, ADDRESS);
    private static final MethodHandle SV_OUTCOME_CONCLUSIVE = fn("sv_outcome_conclusive", JAVA_BOOLEAN, ADDRESS);
    private static final MethodHandle SV_OUTCOME_REASON = fn("sv_outcome_reason", JAVA_INT, ADDRESS);
    private static final MethodHandle SV_OUTCOME_REASON_STR = fn("sv_outcome_reason_str", ADDRESS, ADDRESS);
    private static final MethodHandle SV_OUTCOME_SCORE = fn("sv_outcome_score", JAVA_BOOLEAN, ADDRESS, ADDRESS);
    private static final MethodHandle SV_OUTCOME_HOSTNAME = fn("sv_outcome_hostname", ADDRESS, ADDRESS);
    private static final MethodHandle SV_OUTCOME_ACTION = fn("sv_outcome_action", ADDRESS, ADDRESS);
    private static final MethodHandle SV_OUTCOME_CHALLENGE_TS = fn("sv_outcome_challenge_ts", ADDRESS, ADDRESS);
    private static final MethodHandle SV_OUTCOME_TIMESTAMP = fn("sv_outcome_timestamp", ADDRESS, ADDRESS);
    private static final MethodHandle SV_OUTCOME_ERROR_KEY = fn("sv_outcome_error_key", ADDRESS, ADDRESS);
    private static final MethodHandle SV_OUTCOME_ERROR_CODE_COUNT = fn("sv_outcome_error_code_count", SIZE_T, ADDRESS);
    private static final MethodHandle SV_OUTCOME_ERROR_CODE = fn("sv_outcome_error_code", ADDRESS, ADDRESS, SIZE_T);
    private static final MethodHandle SV_OUTCOME_PROVIDER_REASON = fn("sv_outcome_provider_reason", ADDRESS, ADDRESS);
    private static final MethodHandle SV_OUTCOME_HTTP_STATUS = fn("sv_outcome_http_status", JAVA_SHORT, ADDRESS);
    private static final MethodHandle SV_OUTCOME_RETRYABLE = fn("sv_outcome_retryable", JAVA_BOOLEAN, ADDRESS);
    private static final MethodHandle SV_OUTCOME_ATTEMPTS = fn("sv_outcome_attempts", JAVA_INT, ADDRESS);
    private static final MethodHandle SV_OUTCOME_FAIL_OPEN_SUSPECTED =
            fn("sv_outcome_fail_open_suspected", JAVA_BOOLEAN, ADDRESS);
    private static final MethodHandle SV_OUTCOME_DETAIL = fn("sv_outcome_detail", ADDRESS, ADDRESS);
    private static final MethodHandle SV_OUTCOME_TO_JSON = fn("sv_outcome_to_json", ADDRESS, ADDRESS);
    private static final MethodHandle SV_REASON_STR = fn("sv_reason_str", ADDRESS, JAVA_INT);
    private static final MethodHandle SV_OUTCOME_FREE = fn("sv_outcome_free", null, ADDRESS);
    private static final MethodHandle SV_STATS_VERIFICATIONS = fn("sv_stats_verifications", JAVA_LONG, ADDRESS);
    private static final MethodHandle SV_STATS_ACCEPTED = fn("sv_stats_accepted", JAVA_LONG, ADDRESS);
    private static final MethodHandle SV_STATS_NOT_ACCEPTED = fn("sv_stats_not_accepted", JAVA_LONG, ADDRESS);
    private static final MethodHandle SV_STATS_INCONCLUSIVE = fn("sv_stats_inconclusive", JAVA_LONG, ADDRESS);
    private static final MethodHandle SV_STATS_FAIL_OPEN_SUSPECTED =
            fn("sv_stats_fail_open_suspected", JAVA_LONG, ADDRESS);
    private static final MethodHandle SV_STATS_RETRIES = fn("sv_stats_retries", JAVA_LONG, ADDRESS);
    private static final MethodHandle SV_STATS_ERRORS = fn("sv_stats_errors", JAVA_LONG, ADDRESS);
    private static final MethodHandle SV_STATS_REASON_COUNT = fn("sv_stats_reason_count", JAVA_LONG, ADDRESS, JAVA_INT);
    private static final MethodHandle SV_STATS_ERROR_KEY_COUNT =
            fn("sv_stats_error_key_count", JAVA_LONG, ADDRESS, ADDRESS);
    private static final MethodHandle SV_STATS_ERROR_KEY_LEN = fn("sv_stats_error_key_len", SIZE_T, ADDRESS);
    private static final MethodHandle SV_STATS_ERROR_KEY_AT = fn("sv_stats_error_key_at", ADDRESS, ADDRESS, SIZE_T);
    private static final MethodHandle SV_STATS_OUTAGE_ACCEPTED = fn("sv_stats_outage_accepted", JAVA_LONG, ADDRESS);
    private static final MethodHandle SV_STATS_OUTAGE_REFUSED = fn("sv_stats_outage_refused", JAVA_LONG, ADDRESS);
    private static final MethodHandle SV_STATS_OUTAGE_PROBES = fn("sv_stats_outage_probes", JAVA_LONG, ADDRESS);
    private static final MethodHandle SV_STATS_PROVIDER_HEALTH = fn("sv_stats_provider_health", ADDRESS, ADDRESS);
    private static final MethodHandle SV_STATS_TO_JSON = fn("sv_stats_to_json", ADDRESS, ADDRESS);
    private static final MethodHandle SV_STATS_FREE = fn("sv_stats_free", null, ADDRESS);
    private static final MethodHandle SV_STATUS_STR = fn("sv_status_str", ADDRESS, JAVA_INT);
    private static final MethodHandle SV_VERSION = fn("sv_version", ADDRESS);
    private static final MethodHandle SV_ABI_VERSION = fn("sv_abi_version", JAVA_INT);
    // END GENERATED java-downcalls

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
        try { return (int) SV_CLIENT_BUILDER_NEW_NAMED.invokeExact(provider, out, errOut); } catch (Throwable t) { throw fatal(t); }
    }

    static void builderFree(MemorySegment b) {
        try { SV_CLIENT_BUILDER_FREE.invokeExact(b); } catch (Throwable t) { throw fatal(t); }
    }

    static int setOptionStr(MemorySegment b, MemorySegment name, MemorySegment value, MemorySegment errOut) {
        try { return (int) SV_CLIENT_BUILDER_SET_OPTION_STR.invokeExact(b, name, value, errOut); } catch (Throwable t) { throw fatal(t); }
    }

    static int setOptionBool(MemorySegment b, MemorySegment name, boolean value, MemorySegment errOut) {
        try { return (int) SV_CLIENT_BUILDER_SET_OPTION_BOOL.invokeExact(b, name, value, errOut); } catch (Throwable t) { throw fatal(t); }
    }

    static int setOptionI64(MemorySegment b, MemorySegment name, long value, MemorySegment errOut) {
        try { return (int) SV_CLIENT_BUILDER_SET_OPTION_I64.invokeExact(b, name, value, errOut); } catch (Throwable t) { throw fatal(t); }
    }

    static int setOptionF64(MemorySegment b, MemorySegment name, double value, MemorySegment errOut) {
        try { return (int) SV_CLIENT_BUILDER_SET_OPTION_F64.invokeExact(b, name, value, errOut); } catch (Throwable t) { throw fatal(t); }
    }

    static int setOptionMillis(MemorySegment b, MemorySegment name, double millis, MemorySegment errOut) {
        try { return (int) SV_CLIENT_BUILDER_SET_OPTION_MILLIS.invokeExact(b, name, millis, errOut); } catch (Throwable t) { throw fatal(t); }
    }

    static int build(MemorySegment b, MemorySegment clientOut, MemorySegment errOut) {
        try { return (int) SV_CLIENT_BUILDER_BUILD.invokeExact(b, clientOut, errOut); } catch (Throwable t) { throw fatal(t); }
    }

    static int setEventCallback(MemorySegment b, MemorySegment callback, MemorySegment userdata) {
        try { return (int) SV_CLIENT_BUILDER_SET_EVENT_CALLBACK.invokeExact(b, callback, userdata); } catch (Throwable t) { throw fatal(t); }
    }

    // ---- mock ----
    static int mockStart(MemorySegment secret, boolean tls, MemorySegment out, MemorySegment errOut) {
        try { return (int) SV_MOCK_START.invokeExact(secret, tls, out, errOut); } catch (Throwable t) { throw fatal(t); }
    }

    static String mockUrl(MemorySegment m) {
        try { return string((MemorySegment) SV_MOCK_URL.invokeExact(m)); } catch (Throwable t) { throw fatal(t); }
    }

    static String mockEndpoint(MemorySegment m, MemorySegment provider) {
        try { return string((MemorySegment) SV_MOCK_ENDPOINT.invokeExact(m, provider)); } catch (Throwable t) { throw fatal(t); }
    }

    static String mockCaPem(MemorySegment m) {
        try { return string((MemorySegment) SV_MOCK_CA_PEM.invokeExact(m)); } catch (Throwable t) { throw fatal(t); }
    }

    static long mockRequests(MemorySegment m) {
        try { return (long) SV_MOCK_REQUESTS.invokeExact(m); } catch (Throwable t) { throw fatal(t); }
    }

    static void mockFree(MemorySegment m) {
        try { SV_MOCK_FREE.invokeExact(m); } catch (Throwable t) { throw fatal(t); }
    }

    // ---- options ----
    static int optionsNew(MemorySegment out) {
        try { return (int) SV_VERIFY_OPTIONS_NEW.invokeExact(out); } catch (Throwable t) { throw fatal(t); }
    }

    static void optionsFree(MemorySegment o) {
        try { SV_VERIFY_OPTIONS_FREE.invokeExact(o); } catch (Throwable t) { throw fatal(t); }
    }

    static int optionsSetRemoteIp(MemorySegment o, MemorySegment ip) {
        try { return (int) SV_VERIFY_OPTIONS_SET_REMOTE_IP.invokeExact(o, ip); } catch (Throwable t) { throw fatal(t); }
    }

    static int optionsSetEmail(MemorySegment o, MemorySegment email) {
        try { return (int) SV_VERIFY_OPTIONS_SET_EMAIL.invokeExact(o, email); } catch (Throwable t) { throw fatal(t); }
    }

    // ---- client ----
    static void clientFree(MemorySegment c) {
        try { SV_CLIENT_FREE.invokeExact(c); } catch (Throwable t) { throw fatal(t); }
    }

    static MemorySegment clientEndpoint(MemorySegment c) {
        try { return (MemorySegment) SV_CLIENT_ENDPOINT.invokeExact(c); } catch (Throwable t) { throw fatal(t); }
    }

    static int verify(MemorySegment c, MemorySegment token, long len, MemorySegment options,
                      MemorySegment outcomeOut, MemorySegment errOut) {
        try {
            return (int) SV_CLIENT_VERIFY.invokeExact(c, token, len, options, outcomeOut, errOut);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static int verifyAsync(MemorySegment c, MemorySegment token, long len, MemorySegment options,
                           MemorySegment callback, MemorySegment userdata, MemorySegment taskOut,
                           MemorySegment errOut) {
        try {
            return (int) SV_CLIENT_VERIFY_ASYNC.invokeExact(c, token, len, options, callback, userdata, taskOut, errOut);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static int taskCancel(MemorySegment task) {
        try { return (int) SV_TASK_CANCEL.invokeExact(task); } catch (Throwable t) { throw fatal(t); }
    }

    static void taskFree(MemorySegment task) {
        try { SV_TASK_FREE.invokeExact(task); } catch (Throwable t) { throw fatal(t); }
    }

    static String statsToJson(MemorySegment s) {
        try { return string((MemorySegment) SV_STATS_TO_JSON.invokeExact(s)); } catch (Throwable t) { throw fatal(t); }
    }

    static int clientStats(MemorySegment c, MemorySegment out) {
        try { return (int) SV_CLIENT_STATS.invokeExact(c, out); } catch (Throwable t) { throw fatal(t); }
    }

    // ---- errors ----
    static int errorCode(MemorySegment e) {
        try { return (int) SV_ERROR_CODE.invokeExact(e); } catch (Throwable t) { throw fatal(t); }
    }

    static String errorName(MemorySegment e) {
        try { return string((MemorySegment) SV_ERROR_NAME.invokeExact(e)); } catch (Throwable t) { throw fatal(t); }
    }

    static String errorMessage(MemorySegment e) {
        try { return string((MemorySegment) SV_ERROR_MESSAGE.invokeExact(e)); } catch (Throwable t) { throw fatal(t); }
    }

    static void errorFree(MemorySegment e) {
        try { SV_ERROR_FREE.invokeExact(e); } catch (Throwable t) { throw fatal(t); }
    }

    // ---- outcome ----
    static boolean outcomeAccepted(MemorySegment o) {
        try { return (boolean) SV_OUTCOME_ACCEPTED.invokeExact(o); } catch (Throwable t) { throw fatal(t); }
    }

    static boolean outcomeVerified(MemorySegment o) {
        try { return (boolean) SV_OUTCOME_VERIFIED.invokeExact(o); } catch (Throwable t) { throw fatal(t); }
    }

    static boolean outcomeConclusive(MemorySegment o) {
        try { return (boolean) SV_OUTCOME_CONCLUSIVE.invokeExact(o); } catch (Throwable t) { throw fatal(t); }
    }

    static int outcomeReason(MemorySegment o) {
        try { return (int) SV_OUTCOME_REASON.invokeExact(o); } catch (Throwable t) { throw fatal(t); }
    }

    static String outcomeReasonStr(MemorySegment o) {
        try { return string((MemorySegment) SV_OUTCOME_REASON_STR.invokeExact(o)); } catch (Throwable t) { throw fatal(t); }
    }

    static boolean outcomeScore(MemorySegment o, MemorySegment out) {
        try { return (boolean) SV_OUTCOME_SCORE.invokeExact(o, out); } catch (Throwable t) { throw fatal(t); }
    }

    /** The outcome's optional strings, by field. */
    enum OutcomeString {
        HOSTNAME, ACTION, CHALLENGE_TS, TIMESTAMP, ERROR_KEY, PROVIDER_REASON, DETAIL, JSON
    }

    static String outcomeString(OutcomeString field, MemorySegment o) {
        MethodHandle h = switch (field) {
            case HOSTNAME -> SV_OUTCOME_HOSTNAME;
            case ACTION -> SV_OUTCOME_ACTION;
            case CHALLENGE_TS -> SV_OUTCOME_CHALLENGE_TS;
            case TIMESTAMP -> SV_OUTCOME_TIMESTAMP;
            case ERROR_KEY -> SV_OUTCOME_ERROR_KEY;
            case PROVIDER_REASON -> SV_OUTCOME_PROVIDER_REASON;
            case DETAIL -> SV_OUTCOME_DETAIL;
            case JSON -> SV_OUTCOME_TO_JSON;
        };
        try { return string((MemorySegment) h.invokeExact(o)); } catch (Throwable t) { throw fatal(t); }
    }

    static long outcomeErrorCodeCount(MemorySegment o) {
        try { return (long) SV_OUTCOME_ERROR_CODE_COUNT.invokeExact(o); } catch (Throwable t) { throw fatal(t); }
    }

    static String outcomeErrorCode(MemorySegment o, long index) {
        try { return string((MemorySegment) SV_OUTCOME_ERROR_CODE.invokeExact(o, index)); } catch (Throwable t) { throw fatal(t); }
    }

    static int outcomeHttpStatus(MemorySegment o) {
        try { return Short.toUnsignedInt((short) SV_OUTCOME_HTTP_STATUS.invokeExact(o)); } catch (Throwable t) { throw fatal(t); }
    }

    static boolean outcomeRetryable(MemorySegment o) {
        try { return (boolean) SV_OUTCOME_RETRYABLE.invokeExact(o); } catch (Throwable t) { throw fatal(t); }
    }

    static long outcomeAttempts(MemorySegment o) {
        try { return Integer.toUnsignedLong((int) SV_OUTCOME_ATTEMPTS.invokeExact(o)); } catch (Throwable t) { throw fatal(t); }
    }

    static boolean outcomeFailOpenSuspected(MemorySegment o) {
        try { return (boolean) SV_OUTCOME_FAIL_OPEN_SUSPECTED.invokeExact(o); } catch (Throwable t) { throw fatal(t); }
    }

    static String reasonStr(int reason) {
        try { return string((MemorySegment) SV_REASON_STR.invokeExact(reason)); } catch (Throwable t) { throw fatal(t); }
    }

    static void outcomeFree(MemorySegment o) {
        try { SV_OUTCOME_FREE.invokeExact(o); } catch (Throwable t) { throw fatal(t); }
    }

    // ---- stats ----
    /** The stats counters, by field. */
    enum StatsCounter {
        VERIFICATIONS, ACCEPTED, NOT_ACCEPTED, INCONCLUSIVE, FAIL_OPEN_SUSPECTED, RETRIES, ERRORS,
        OUTAGE_ACCEPTED, OUTAGE_REFUSED, OUTAGE_PROBES
    }

    static long statsCounter(StatsCounter counter, MemorySegment s) {
        MethodHandle h = switch (counter) {
            case VERIFICATIONS -> SV_STATS_VERIFICATIONS;
            case ACCEPTED -> SV_STATS_ACCEPTED;
            case NOT_ACCEPTED -> SV_STATS_NOT_ACCEPTED;
            case INCONCLUSIVE -> SV_STATS_INCONCLUSIVE;
            case FAIL_OPEN_SUSPECTED -> SV_STATS_FAIL_OPEN_SUSPECTED;
            case RETRIES -> SV_STATS_RETRIES;
            case ERRORS -> SV_STATS_ERRORS;
            case OUTAGE_ACCEPTED -> SV_STATS_OUTAGE_ACCEPTED;
            case OUTAGE_REFUSED -> SV_STATS_OUTAGE_REFUSED;
            case OUTAGE_PROBES -> SV_STATS_OUTAGE_PROBES;
        };
        try { return (long) h.invokeExact(s); } catch (Throwable t) { throw fatal(t); }
    }

    static long statsReasonCount(MemorySegment s, int reason) {
        try { return (long) SV_STATS_REASON_COUNT.invokeExact(s, reason); } catch (Throwable t) { throw fatal(t); }
    }

    static String statsProviderHealth(MemorySegment s) {
        try { return string((MemorySegment) SV_STATS_PROVIDER_HEALTH.invokeExact(s)); } catch (Throwable t) { throw fatal(t); }
    }

    static long statsErrorKeyLen(MemorySegment s) {
        try { return (long) SV_STATS_ERROR_KEY_LEN.invokeExact(s); } catch (Throwable t) { throw fatal(t); }
    }

    /** The {@code index}-th error key, still as the library's C string (for {@link #statsErrorKeyCount}). */
    static MemorySegment statsErrorKeyAt(MemorySegment s, long index) {
        try { return (MemorySegment) SV_STATS_ERROR_KEY_AT.invokeExact(s, index); } catch (Throwable t) { throw fatal(t); }
    }

    static long statsErrorKeyCount(MemorySegment s, MemorySegment key) {
        try { return (long) SV_STATS_ERROR_KEY_COUNT.invokeExact(s, key); } catch (Throwable t) { throw fatal(t); }
    }

    static void statsFree(MemorySegment s) {
        try { SV_STATS_FREE.invokeExact(s); } catch (Throwable t) { throw fatal(t); }
    }

    // ---- library ----
    static String statusStr(int status) {
        try { return string((MemorySegment) SV_STATUS_STR.invokeExact(status)); } catch (Throwable t) { throw fatal(t); }
    }

    static String version() {
        try { return string((MemorySegment) SV_VERSION.invokeExact()); } catch (Throwable t) { throw fatal(t); }
    }

    static int abiVersion() {
        try { return (int) SV_ABI_VERSION.invokeExact(); } catch (Throwable t) { throw fatal(t); }
    }

    /**
     * Test support only ({@code sv_testing_*}), linked on first use so that ordinary use never
     * touches these symbols.
     */
    static final class Testing {
        private Testing() {}

        // BEGIN GENERATED java-downcalls-testing (siteverify-vocab; edit core/, then `make vocab`)
        private static final MethodHandle SV_TESTING_ARM_INJECTED_PANIC =
                fn("sv_testing_arm_injected_panic", null, JAVA_BOOLEAN);
        private static final MethodHandle SV_TESTING_PANIC_TOKEN = fn("sv_testing_panic_token", ADDRESS);
        // END GENERATED java-downcalls-testing

        static void armInjectedPanic(boolean armed) {
            try { SV_TESTING_ARM_INJECTED_PANIC.invokeExact(armed); } catch (Throwable t) { throw fatal(t); }
        }

        static String panicToken() {
            try { return string((MemorySegment) SV_TESTING_PANIC_TOKEN.invokeExact()); } catch (Throwable t) { throw fatal(t); }
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
