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
     * Outcomes not accepted: every rejection and every inconclusive outcome
     * that was not accepted. The same number as `$notAccepted`.
     *
     * @deprecated 0.2 use `$notAccepted`, which says what it counts
     */
    public readonly int $rejected;

    /**
     * @param array<string, int> $byReason
     * @param array<string, int> $byErrorKey
     */
    public function __construct(
        /** Verifications that produced an outcome. */
        public readonly int $verifications,
        public readonly int $accepted,
        /** Outcomes not accepted: rejections and inconclusive outcomes alike. */
        public readonly int $notAccepted,
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
        /** Inconclusive outcomes that `fail_mode=open` accepted during a confirmed outage. */
        public readonly int $outageAccepted,
        /** Inconclusive outcomes that `fail_mode=open` did not accept: no confirmed outage. */
        public readonly int $outageRefused,
        /** Outage probes siteverify sent to confirm a provider outage. */
        public readonly int $outageProbes,
        /** The provider's health as last seen: `up`, `down` or `unknown`. */
        public readonly string $providerHealth,
    ) {
        $this->rejected = $notAccepted;
    }

    /**
     * Reads every counter through the typed `sv_stats_*` accessors; the
     * caller still frees the snapshot.
     *
     * @internal
     */
    public static function fromNative(FFI $ffi, CData $s): self
    {
        $byReason = [];
        foreach (self::reasons() as $reason) {
            $byReason[(string) $ffi->sv_reason_str($reason)] = $ffi->sv_stats_reason_count($s, $reason);
        }
        $byErrorKey = [];
        $keys = $ffi->sv_stats_error_key_len($s);
        for ($i = 0; $i < $keys; $i++) {
            $key = (string) $ffi->sv_stats_error_key_at($s, $i);
            $byErrorKey[$key] = $ffi->sv_stats_error_key_count($s, $key);
        }
        return new self(
            verifications: $ffi->sv_stats_verifications($s),
            accepted: $ffi->sv_stats_accepted($s),
            notAccepted: $ffi->sv_stats_not_accepted($s),
            inconclusive: $ffi->sv_stats_inconclusive($s),
            failOpenSuspected: $ffi->sv_stats_fail_open_suspected($s),
            retries: $ffi->sv_stats_retries($s),
            errors: $ffi->sv_stats_errors($s),
            byReason: $byReason,
            byErrorKey: $byErrorKey,
            outageAccepted: $ffi->sv_stats_outage_accepted($s),
            outageRefused: $ffi->sv_stats_outage_refused($s),
            outageProbes: $ffi->sv_stats_outage_probes($s),
            providerHealth: (string) $ffi->sv_stats_provider_health($s),
        );
    }

    /** @return list<int> every `Abi::REASON_*` (generated from the header), in order */
    private static function reasons(): array
    {
        static $reasons = null;
        if ($reasons === null) {
            $reasons = [];
            foreach ((new \ReflectionClass(Abi::class))->getConstants() as $name => $value) {
                if (str_starts_with($name, 'REASON_') && is_int($value)) {
                    $reasons[] = $value;
                }
            }
        }
        return $reasons;
    }
}
