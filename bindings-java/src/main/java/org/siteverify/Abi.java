package org.siteverify;

/**
 * The {@code #define}s of {@code include/siteverify.h}, with the same names and values.
 * {@code AbiConstantsTest} parses the header and fails when the two drift apart.
 */
final class Abi {
    private Abi() {}

    static final String SV_VERSION = "0.1.0";
    // SV_ABI_VERSION (generated below) is the ABI this binding was written against; the loaded
    // library must report the same.

    // BEGIN GENERATED c-constants (siteverify-vocab; edit core/, then `make vocab`)
    static final int SV_PROVIDER_PROSOPO = 1;
    static final int SV_PROVIDER_GATEKEEPER = 2;

    static final int SV_FAIL_MODE_CLOSED = 0;
    static final int SV_FAIL_MODE_OPEN = 1;

    static final int SV_FAIL_OPEN_ACCEPT = 0;
    static final int SV_FAIL_OPEN_REJECT = 1;

    static final int SV_REASON_VERIFIED = 0;
    static final int SV_REASON_TOKEN_INVALID = 1;
    static final int SV_REASON_TOKEN_EXPIRED_OR_DUPLICATE = 2;
    static final int SV_REASON_HOSTNAME_MISMATCH = 3;
    static final int SV_REASON_ACTION_MISMATCH = 4;
    static final int SV_REASON_SCORE_ABOVE_THRESHOLD = 5;
    static final int SV_REASON_SCORE_MISSING = 6;
    static final int SV_REASON_CHALLENGE_TOO_OLD = 7;
    static final int SV_REASON_PROVIDER_FAIL_OPEN = 8;
    static final int SV_REASON_PROVIDER_UNAVAILABLE = 9;
    static final int SV_REASON_PROVIDER_REJECTED_REQUEST = 10;
    static final int SV_REASON_PROTOCOL_ERROR = 11;
    static final int SV_REASON_AMBIGUOUS_RETRY = 12;
    static final int SV_REASON_TLS_FAILURE = 13;

    static final int SV_VERSION_MAJOR = 0;
    static final int SV_VERSION_MINOR = 1;
    static final int SV_VERSION_PATCH = 0;
    static final int SV_ABI_VERSION = 1;

    static final int SV_OK = 0;
    static final int SV_NULL_ARGUMENT = 100;
    static final int SV_INVALID_ARGUMENT = 101;
    static final int SV_CONFIGURATION = 102;
    static final int SV_BLOCKING_IN_ASYNC_CONTEXT = 103;
    static final int SV_CANCELLED = 400;
    static final int SV_PANIC = 900;
    static final int SV_INTERNAL = 901;
    // END GENERATED c-constants
}
