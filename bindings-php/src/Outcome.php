<?php

declare(strict_types=1);

namespace Siteverify;

use FFI;
use FFI\CData;

/**
 * The result of a verification: every field of the core's outcome, read
 * through the C accessors. Immutable.
 *
 * Act on `$accepted`. Everything else explains it.
 */
final class Outcome
{
    /**
     * @param list<string> $errorCodes
     */
    public function __construct(
        /** Let the request through? The one bit to act on. */
        public readonly bool $accepted,
        /** The provider said yes and every local check passed. */
        public readonly bool $verified,
        /** The provider (or a local check) gave a definitive answer. */
        public readonly bool $conclusive,
        /** The reason's stable kebab-case code: `verified`, `score-above-threshold`, ... */
        public readonly string $reason,
        /** The risk score (0 = human, 1 = bot), or null when the provider sent none. */
        public readonly ?float $score,
        /** The hostname the provider reported. */
        public readonly ?string $hostname,
        /** The action the provider reported. */
        public readonly ?string $action,
        /** When the challenge was solved (RFC 3339, as sent). */
        public readonly ?string $challengeTs,
        /** When the provider verified (RFC 3339, as sent). */
        public readonly ?string $timestamp,
        /** The provider's raw error key (Prosopo `error.key`, Friendly `error.error_code`, Enterprise `invalidReason`, Yandex `message`). */
        public readonly ?string $errorKey,
        /** The provider's error codes (GateKeeper `error_codes`, Turnstile/hCaptcha/reCAPTCHA `error-codes`). */
        public readonly array $errorCodes,
        /** The provider's own free-text reason. */
        public readonly ?string $providerReason,
        /** HTTP status of the last provider answer; null when no answer came. */
        public readonly ?int $httpStatus,
        /** A later retry of the same verification could succeed. */
        public readonly bool $retryable,
        /** HTTP attempts made (0 when rejected locally). */
        public readonly int $attempts,
        /** The answer looks like the provider's fail-open response. */
        public readonly bool $failOpenSuspected,
        /** A short explanation written by siteverify. */
        public readonly ?string $detail,
    ) {
    }

    /**
     * Reads every field of a native outcome; the caller still frees it.
     *
     * @internal
     */
    public static function fromNative(FFI $ffi, CData $o): self
    {
        $score = $ffi->new('double');
        $hasScore = $ffi->sv_outcome_score($o, FFI::addr($score));
        $codes = [];
        $count = $ffi->sv_outcome_error_code_count($o);
        for ($i = 0; $i < $count; $i++) {
            $codes[] = (string) $ffi->sv_outcome_error_code($o, $i);
        }
        $status = $ffi->sv_outcome_http_status($o);
        return new self(
            accepted: $ffi->sv_outcome_accepted($o),
            verified: $ffi->sv_outcome_verified($o),
            conclusive: $ffi->sv_outcome_conclusive($o),
            reason: (string) $ffi->sv_outcome_reason_str($o),
            score: $hasScore ? (float) $score->cdata : null,
            hostname: $ffi->sv_outcome_hostname($o),
            action: $ffi->sv_outcome_action($o),
            challengeTs: $ffi->sv_outcome_challenge_ts($o),
            timestamp: $ffi->sv_outcome_timestamp($o),
            errorKey: $ffi->sv_outcome_error_key($o),
            errorCodes: $codes,
            providerReason: $ffi->sv_outcome_provider_reason($o),
            // The C accessor's 0 is "no answer came", the core's None.
            httpStatus: $status === 0 ? null : $status,
            retryable: $ffi->sv_outcome_retryable($o),
            attempts: $ffi->sv_outcome_attempts($o),
            failOpenSuspected: $ffi->sv_outcome_fail_open_suspected($o),
            detail: $ffi->sv_outcome_detail($o),
        );
    }

    /**
     * Every field under the core's snake_case names (`Outcome::to_json` in
     * Rust, `sv_outcome_to_json` in C), e.g. for logging or `json_encode`.
     *
     * @return array{accepted: bool, verified: bool, conclusive: bool, reason: string, score: ?float,
     *     hostname: ?string, action: ?string, challenge_ts: ?string, timestamp: ?string, error_key: ?string,
     *     error_codes: list<string>, provider_reason: ?string, http_status: ?int, retryable: bool,
     *     attempts: int, fail_open_suspected: bool, detail: ?string}
     */
    public function toArray(): array
    {
        return [
            'accepted' => $this->accepted,
            'verified' => $this->verified,
            'conclusive' => $this->conclusive,
            'reason' => $this->reason,
            'score' => $this->score,
            'hostname' => $this->hostname,
            'action' => $this->action,
            'challenge_ts' => $this->challengeTs,
            'timestamp' => $this->timestamp,
            'error_key' => $this->errorKey,
            'error_codes' => $this->errorCodes,
            'provider_reason' => $this->providerReason,
            'http_status' => $this->httpStatus,
            'retryable' => $this->retryable,
            'attempts' => $this->attempts,
            'fail_open_suspected' => $this->failOpenSuspected,
            'detail' => $this->detail,
        ];
    }
}
