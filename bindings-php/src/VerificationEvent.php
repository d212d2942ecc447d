<?php

declare(strict_types=1);

namespace Siteverify;

/**
 * What happened in one verification, for logs and metrics: the outcome, the
 * provider, the time the call took, a fingerprint of the token and the level
 * the core gives it; never the token or the secret.
 *
 * `Client::verify()` builds it after the verdict and hands it to the `logger`
 * option (a PSR-3 logger: one record, `level()`, `message()` and `context()`) and to the
 * `on_event` option (a callable). It carries what the core's event carries
 * (`sv_client_builder_set_event_callback`, Rust's `VerificationEvent`),
 * the latency measured in PHP around the native call, the level read from the
 * native outcome (`sv_outcome_event_level`); `toArray()` has the core event's
 * JSON shape.
 */
final class VerificationEvent
{
    /** The core's level names and their PSR-3 levels (`Psr\Log\LogLevel`'s values). */
    private const PSR3_LEVELS = ['debug' => 'debug', 'info' => 'info', 'warn' => 'warning'];

    public function __construct(
        /** The provider's name, e.g. `prosopo` or `turnstile` (`Provider`). */
        public readonly string $provider,
        /** The verdict, as the caller got it. */
        public readonly Outcome $outcome,
        /** Time from the call to the verdict, in milliseconds (retries and outage check included). */
        public readonly float $latencyMs,
        /** The first 8 hex digits of the token's SHA-256: sees one token submitted twice, cannot replay it. */
        public readonly string $tokenFingerprint,
        /**
         * The level the core gives the event, by name: `debug` (accepted), `info` (rejected) or
         * `warn` (a request the provider refused, a TLS failure or a fail-open answer, accepted or
         * not); `level()` is its PSR-3 name.
         */
        public readonly string $levelName,
    ) {
    }

    /** The first 8 hex digits of the token's SHA-256, as the core computes it. */
    public static function fingerprint(#[\SensitiveParameter] string $token): string
    {
        return substr(hash('sha256', $token), 0, 8);
    }

    /**
     * The PSR-3 message, e.g. `siteverify prosopo: token-invalid`: written out (no `{placeholder}`
     * left to a logger that may not interpolate); the context holds every field.
     */
    public function message(): string
    {
        return sprintf('siteverify %s: %s', $this->provider, $this->outcome->reason);
    }

    /**
     * The PSR-3 level (`Psr\Log\LogLevel`'s values) of the core's `levelName`: `debug`, `info` or
     * `warning`; `info` for a name this version does not know (a level added to the library later).
     */
    public function level(): string
    {
        return self::PSR3_LEVELS[$this->levelName] ?? 'info';
    }

    /**
     * The PSR-3 context: the fields the Rust core's `tracing` event has.
     *
     * @return array{provider: string, accepted: bool, verified: bool, conclusive: bool, reason: string,
     *     http_status: ?int, attempts: int, latency_ms: float, error_key: ?string, error_codes: list<string>,
     *     fail_open_suspected: bool, token_fingerprint: string}
     */
    public function context(): array
    {
        $o = $this->outcome;
        return [
            'provider' => $this->provider,
            'accepted' => $o->accepted,
            'verified' => $o->verified,
            'conclusive' => $o->conclusive,
            'reason' => $o->reason,
            'http_status' => $o->httpStatus,
            'attempts' => $o->attempts,
            'latency_ms' => $this->latencyMs,
            'error_key' => $o->errorKey,
            'error_codes' => $o->errorCodes,
            'fail_open_suspected' => $o->failOpenSuspected,
            'token_fingerprint' => $this->tokenFingerprint,
        ];
    }

    /**
     * The core event's JSON shape: every field of `Outcome::toArray()`, plus `provider`,
     * `latency` (milliseconds), `token_fingerprint` and `level` (the core's name).
     *
     * @return array<string, mixed>
     */
    public function toArray(): array
    {
        return ['provider' => $this->provider]
            + $this->outcome->toArray()
            + [
                'latency' => $this->latencyMs,
                'token_fingerprint' => $this->tokenFingerprint,
                'level' => $this->levelName,
            ];
    }
}
