<?php

declare(strict_types=1);

namespace Siteverify;

use FFI;
use FFI\CData;
use Siteverify\Exception\ConfigurationException;
use Siteverify\Exception\InvalidArgumentException;

/**
 * A verifier for one provider, secret and policy.
 *
 * ```php
 * $client = new Siteverify\Client([
 *     'provider' => 'gatekeeper',
 *     'secret' => getenv('GATEKEEPER_SECRET'),
 *     'expected_hostnames' => ['example.com'],
 *     'score_threshold' => 0.5,
 * ]);
 * $outcome = $client->verify($_POST['captchaToken'] ?? '', $_SERVER['REMOTE_ADDR'] ?? null);
 * ```
 *
 * By default (`'shared' => true`) the native client comes from
 * `sv_client_builder_build_shared`: a client built with identical options
 * earlier in this process (an earlier request of the same php-fpm worker) is
 * reused with its open keep-alive connections. The cache lives in the
 * library, keyed by a hash of every option with the secret only as its
 * SHA-256; nothing is kept in PHP globals, and this object does not keep the
 * secret.
 */
final class Client
{
    private readonly FFI $ffi;
    /** `const sv_client*`, released in __destruct. */
    private ?CData $native;
    private readonly string $provider;
    private readonly string $endpoint;
    private readonly bool $shared;
    /** A `Psr\Log\LoggerInterface`, or null. Typed `object` so that this class loads without psr/log. */
    private readonly ?object $logger;
    /** @var (\Closure(VerificationEvent): mixed)|null */
    private readonly ?\Closure $onEvent;

    /**
     * @param array<string, mixed> $options snake_case keys (README.md "Options"): `provider` (a core
     *     name, see Provider) and `secret` are required; every key but this package's own (`provider`, `shared`,
     *     `library_path`, `header_path`, `logger`, `on_event`) goes to the core as PHP typed it
     *     (see Options). `logger`: a PSR-3 `Psr\Log\LoggerInterface` that gets one record per
     *     verification; `on_event`: a callable that gets each `VerificationEvent` (see verify()).
     *
     * @throws ConfigurationException   the core refused the options: an unknown key, a wrong type,
     *                                  a value out of range, an unknown provider, ...
     * @throws InvalidArgumentException a string option is not valid UTF-8
     * @throws Exception\LibraryException libsiteverify could not be loaded
     */
    public function __construct(#[\SensitiveParameter] array $options)
    {
        $this->native = null;
        $this->ffi = $ffi = Library::ffi(self::path($options, 'library_path'), self::path($options, 'header_path'));
        $shared = $options['shared'] ?? true;
        if (!is_bool($shared)) {
            throw Errors::configuration('option shared must be a boolean');
        }
        $this->shared = $shared;
        $provider = $options['provider'] ?? null;
        if (!is_string($provider) || str_contains($provider, "\0")) {
            throw Errors::configuration("option provider must be a provider name, e.g. 'prosopo' or 'gatekeeper'");
        }
        $this->provider = $provider;
        $logger = $options['logger'] ?? null;
        // instanceof an interface that is not declared is false, and loads nothing: psr/log stays optional.
        if ($logger !== null && !$logger instanceof \Psr\Log\LoggerInterface) {
            throw Errors::configuration('option logger must be a Psr\Log\LoggerInterface');
        }
        $this->logger = $logger;
        $onEvent = $options['on_event'] ?? null;
        if ($onEvent !== null && !is_callable($onEvent)) {
            throw Errors::configuration('option on_event must be a callable');
        }
        $this->onEvent = $onEvent === null ? null : \Closure::fromCallable($onEvent);

        $builder = $ffi->new('sv_client_builder*');
        $err = $ffi->new('sv_error*');
        $status = $ffi->sv_client_builder_new_named($provider, FFI::addr($builder), FFI::addr($err));
        if ($status !== Abi::OK) {
            throw Errors::take($ffi, $status, $err);
        }
        try {
            Options::apply($ffi, $builder, $options);
            $client = $ffi->new('const sv_client*');
            $status = $this->shared
                ? $ffi->sv_client_builder_build_shared($builder, FFI::addr($client), FFI::addr($err))
                : $ffi->sv_client_builder_build($builder, FFI::addr($client), FFI::addr($err));
            if ($status !== Abi::OK) {
                throw Errors::take($ffi, $status, $err);
            }
            $this->native = $client;
        } finally {
            $ffi->sv_client_builder_free($builder);
        }
        $this->endpoint = (string) $ffi->sv_client_endpoint($this->native);
    }

    /**
     * Verifies a CAPTCHA token, blocking for at most the client's deadline.
     *
     * Every verdict, "provider down" included, is an Outcome: act on
     * `$outcome->accepted`. An empty token is rejected locally, without a
     * request.
     *
     * After the verdict, with the `logger` option, one PSR-3 record (`VerificationEvent::level()`,
     * `message()`, `context()`), and with `on_event`, a call with the `VerificationEvent`: built
     * here from the outcome, the provider, the time the native call took, the token's
     * fingerprint and the level the core gives it, never the token or the secret. Whatever they
     * throw is caught and dropped: they can delay the return, never change or lose the outcome.
     * An exception of this method (an invalid argument) produces no event.
     *
     * @param string      $token    the form field as sent (Prosopo: `procaptcha-response`, Turnstile:
     *                              `cf-turnstile-response`, ...: Integration\TokenField; GateKeeper:
     *                              your form's field, e.g. `captchaToken`)
     * @param string|null $remoteIp the end user's IP address
     * @param string|null $email    the end user's email or domain (Prosopo only; only the domain is sent)
     *
     * @throws InvalidArgumentException an invalid remote IP or email, or a string that is not UTF-8
     */
    public function verify(string $token, ?string $remoteIp = null, ?string $email = null): Outcome
    {
        $ffi = $this->ffi;
        $options = null;
        $outcome = null;
        try {
            if ($remoteIp !== null || $email !== null) {
                $options = $ffi->new('sv_verify_options*');
                Errors::check($ffi, $ffi->sv_verify_options_new(FFI::addr($options)), 'options');
                if ($remoteIp !== null) {
                    Errors::check(
                        $ffi,
                        $ffi->sv_verify_options_set_remote_ip($options, self::cString($remoteIp, 'remoteIp')),
                        'remoteIp'
                    );
                }
                if ($email !== null) {
                    Errors::check(
                        $ffi,
                        $ffi->sv_verify_options_set_email($options, self::cString($email, 'email')),
                        'email'
                    );
                }
            }
            $outcome = $ffi->new('sv_outcome*');
            $err = $ffi->new('sv_error*');
            $start = hrtime(true);
            // The token goes as pointer + length: a NUL inside is seen by the library, not cut.
            $status = $ffi->sv_client_verify(
                $this->native,
                $token,
                strlen($token),
                $options,
                FFI::addr($outcome),
                FFI::addr($err)
            );
            $latencyMs = (hrtime(true) - $start) / 1e6;
            if ($status !== Abi::OK) {
                throw Errors::take($ffi, $status, $err);
            }
            $result = Outcome::fromNative($ffi, $outcome);
            $level = (string) $ffi->sv_outcome_event_level($outcome);
        } finally {
            if ($outcome !== null) {
                $ffi->sv_outcome_free($outcome);
            }
            if ($options !== null) {
                $ffi->sv_verify_options_free($options);
            }
        }
        if ($this->logger !== null || $this->onEvent !== null) {
            $this->emit(new VerificationEvent(
                strtolower($this->provider),
                $result,
                $latencyMs,
                VerificationEvent::fingerprint($token),
                $level
            ));
        }
        return $result;
    }

    /** The event to the logger and the `on_event` callable; nothing they throw gets out. */
    private function emit(VerificationEvent $event): void
    {
        if ($this->logger !== null) {
            try {
                /** @phpstan-ignore-next-line the logger is a Psr\Log\LoggerInterface (checked when built) */
                $this->logger->log($event->level(), $event->message(), $event->context());
            } catch (\Throwable) {
                // A broken logger must not break the form it logs for.
            }
        }
        if ($this->onEvent !== null) {
            try {
                ($this->onEvent)($event);
            } catch (\Throwable) {
                // Same: the verdict stands.
            }
        }
    }

    /** A snapshot of this native client's counters. */
    public function stats(): Stats
    {
        $ffi = $this->ffi;
        $stats = $ffi->new('sv_stats*');
        Errors::check($ffi, $ffi->sv_client_stats($this->native, FFI::addr($stats)), 'stats');
        try {
            return Stats::fromNative($ffi, $stats);
        } finally {
            $ffi->sv_stats_free($stats);
        }
    }

    /** The verify URL this client posts to. */
    public function endpoint(): string
    {
        return $this->endpoint;
    }

    /** The provider's name as given in the options, e.g. `prosopo` or `turnstile` (Provider). */
    public function provider(): string
    {
        return $this->provider;
    }

    /** Whether the native client came from the process-wide shared cache. */
    public function isShared(): bool
    {
        return $this->shared;
    }

    /**
     * Empties the library's shared-client cache in this process (after
     * rotating a secret). Clients still held stay valid.
     */
    public static function clearSharedClients(): void
    {
        Library::ffi()->sv_shared_clients_clear();
    }

    /** The loaded library's version, e.g. `0.1.0`. */
    public static function libraryVersion(): string
    {
        return Library::version();
    }

    public function __destruct()
    {
        if ($this->native !== null) {
            $this->ffi->sv_client_free($this->native);
            $this->native = null;
        }
    }

    /** @return array<string, mixed> what var_dump/print_r show: never the secret (not kept anyway). */
    public function __debugInfo(): array
    {
        return [
            'provider' => $this->provider ?? null,
            'endpoint' => $this->endpoint ?? null,
            'shared' => $this->shared ?? null,
            'logger' => isset($this->logger) ? get_class($this->logger) : null,
            'library' => Library::source(),
        ];
    }

    /** A copy would free the native client twice: clients are not cloned (share the object). */
    private function __clone()
    {
    }

    /** @return array<mixed> never: always throws */
    public function __serialize(): array
    {
        throw new \LogicException('a Siteverify\Client cannot be serialized: build one per process');
    }

    /** @param array<mixed> $data */
    public function __unserialize(array $data): void
    {
        throw new \LogicException('a Siteverify\Client cannot be unserialized');
    }

    /**
     * `library_path` or `header_path`: read here, before the library is loaded.
     *
     * @param array<string, mixed> $options
     */
    private static function path(array $options, string $key): ?string
    {
        $path = $options[$key] ?? null;
        if ($path !== null && !is_string($path)) {
            throw Errors::configuration(sprintf('option %s must be a string', $key));
        }
        return $path;
    }

    /** A NUL-terminated C string argument must not contain NUL: C would silently cut it there. */
    private static function cString(#[\SensitiveParameter] string $value, string $what): string
    {
        if (str_contains($value, "\0")) {
            throw Errors::invalidArgument(sprintf('%s must not contain a NUL byte', $what));
        }
        return $value;
    }
}
