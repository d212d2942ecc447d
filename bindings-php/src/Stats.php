<?php

declare(strict_types=1);

namespace Siteverify;

use FFI;
use FFI\CData;

/**
 * A point-in-time copy of a client's counters (`Client::stats()`). With a
 * shared client these count every verification of that native client in this
 * process, across requests.
 */
final class Stats
{
    /**
     * @param array<string, int> $byReason
     * @param array<string, int> $byErrorKey
     */
    public function __construct(
        /** Verifications that produced an outcome. */
        public readonly int $verifications,
        public readonly int $accepted,
        public readonly int $rejected,
        public readonly int $inconclusive,
        /** Outcomes that looked like a provider fail-open: alert when this climbs. */
        public readonly int $failOpenSuspected,
        /** HTTP attempts beyond the first. */
        public readonly int $retries,
        /** Calls that failed with an error instead of an outcome. */
        public readonly int $errors,
        /** Outcomes per reason code, e.g. `['verified' => 3, ...]`. */
        public readonly array $byReason,
        /** Provider error keys and codes seen, with their counts. */
        public readonly array $byErrorKey,
    ) {
    }

    /** @internal */
    public static function fromNative(FFI $ffi, CData $s): self
    {
        $json = json_decode((string) $ffi->sv_stats_to_json($s), true, 16, JSON_THROW_ON_ERROR);
        $byReason = [];
        for ($reason = Native::REASON_VERIFIED; $reason <= Native::REASON_TLS_FAILURE; $reason++) {
            $byReason[(string) $ffi->sv_reason_str($reason)] = $ffi->sv_stats_reason_count($s, $reason);
        }
        $byErrorKey = [];
        foreach ((array) ($json['by_error_key'] ?? []) as $key => $count) {
            $byErrorKey[(string) $key] = (int) $count;
        }
        return new self(
            verifications: $ffi->sv_stats_verifications($s),
            accepted: $ffi->sv_stats_accepted($s),
            rejected: $ffi->sv_stats_rejected($s),
            inconclusive: $ffi->sv_stats_inconclusive($s),
            failOpenSuspected: $ffi->sv_stats_fail_open_suspected($s),
            retries: $ffi->sv_stats_retries($s),
            errors: $ffi->sv_stats_errors($s),
            byReason: $byReason,
            byErrorKey: $byErrorKey,
        );
    }
}
