<?php

declare(strict_types=1);

namespace Siteverify;

/**
 * The C ABI's `#define` constants (include/siteverify.h), which PHP's FFI parser skips.
 *
 * Each `SV_NAME` of the header is `Native::NAME` here, with the same value;
 * tests/ConstantsTest.php parses the header and fails on any difference.
 */
final class Native
{
    /** The header version this package was written against (`SV_VERSION`). */
    // BEGIN GENERATED c-constants (siteverify-vocab; edit core/, then `make vocab`)
    public const VERSION = '0.1.0';
    public const PROVIDER_PROSOPO = 1;
    public const PROVIDER_GATEKEEPER = 2;

    public const FAIL_MODE_CLOSED = 0;
    public const FAIL_MODE_OPEN = 1;

    public const FAIL_OPEN_ACCEPT = 0;
    public const FAIL_OPEN_REJECT = 1;

    public const REASON_VERIFIED = 0;
    public const REASON_TOKEN_INVALID = 1;
    public const REASON_TOKEN_EXPIRED_OR_DUPLICATE = 2;
    public const REASON_HOSTNAME_MISMATCH = 3;
    public const REASON_ACTION_MISMATCH = 4;
    public const REASON_SCORE_ABOVE_THRESHOLD = 5;
    public const REASON_SCORE_MISSING = 6;
    public const REASON_CHALLENGE_TOO_OLD = 7;
    public const REASON_PROVIDER_FAIL_OPEN = 8;
    public const REASON_PROVIDER_UNAVAILABLE = 9;
    public const REASON_PROVIDER_REJECTED_REQUEST = 10;
    public const REASON_PROTOCOL_ERROR = 11;
    public const REASON_AMBIGUOUS_RETRY = 12;
    public const REASON_TLS_FAILURE = 13;

    public const VERSION_MAJOR = 0;
    public const VERSION_MINOR = 1;
    public const VERSION_PATCH = 0;
    public const ABI_VERSION = 1;

    public const OK = 0;
    public const NULL_ARGUMENT = 100;
    public const INVALID_ARGUMENT = 101;
    public const CONFIGURATION = 102;
    public const BLOCKING_IN_ASYNC_CONTEXT = 103;
    public const CANCELLED = 400;
    public const PANIC = 900;
    public const INTERNAL = 901;
    // END GENERATED c-constants

    private function __construct()
    {
    }
}
