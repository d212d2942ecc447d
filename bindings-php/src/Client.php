<?php

declare(strict_types=1);

namespace Siteverify;

use FFI;
use FFI\CData;
use Siteverify\Exception\ConfigurationException;
use Siteverify\Exception\InternalException;
use Siteverify\Exception\InvalidArgumentException;
use Siteverify\Exception\SiteverifyException;

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
    /** Option keys and what they hold; see README.md "Options". */
    private const OPTIONS = [
        'provider' => 'string',
        'secret' => 'string',
        'endpoint' => 'string',
        'region' => 'string',
        'expected_hostnames' => 'list',
        'expected_actions' => 'list',
        'proxy' => 'string',
        'ca_pems' => 'list',
        'ca_files' => 'list',
        'timeout_ms' => 'u64',
        'connect_timeout_ms' => 'u64',
        'attempt_timeout_ms' => 'u64',
        'max_retries' => 'u32',
        'retry_base_delay_ms' => 'u64',
        'retry_max_delay_ms' => 'u64',
        'score_threshold' => 'float',
        'max_age_seconds' => 'u64',
        'fail_mode' => 'string',
        'on_fail_open' => 'string',
        'allow_http' => 'bool',
        'shared' => 'bool',
        'library_path' => 'string',
        'header_path' => 'string',
    ];

    private const PROVIDERS = ['prosopo' => Native::PROVIDER_PROSOPO, 'gatekeeper' => Native::PROVIDER_GATEKEEPER];
    private const FAIL_MODES = ['closed' => Native::FAIL_MODE_CLOSED, 'open' => Native::FAIL_MODE_OPEN];
    private const FAIL_OPEN_POLICIES = ['accept' => Native::FAIL_OPEN_ACCEPT, 'reject' => Native::FAIL_OPEN_REJECT];

    /**
     * The core's defaults for the backoff pair, used when only one of
     * `retry_base_delay_ms`/`retry_max_delay_ms` is given: the C ABI sets both
     * in one call (sv_client_builder_set_retry_backoff_ms).
     */
    private const DEFAULT_RETRY_BASE_DELAY_MS = 200;
    private const DEFAULT_RETRY_MAX_DELAY_MS = 2000;

    private const U32_MAX = 4294967295;

    private readonly FFI $ffi;
    /** `const sv_client*`, released in __destruct. */
    private ?CData $native;
    private readonly string $provider;
    private readonly string $endpoint;
    private readonly bool $shared;

    /**
     * @param array<string, mixed> $options snake_case keys (README.md "Options"); `provider` and
     *     `secret` are required. An unknown key is a ConfigurationException.
     *
     * @throws ConfigurationException   the options are invalid (unknown key, value refused by the core)
     * @throws InvalidArgumentException an option has the wrong PHP type or is out of range
     * @throws Exception\LibraryException libsiteverify could not be loaded
     */
    public function __construct(#[\SensitiveParameter] array $options)
    {
        $this->native = null;
        foreach ($options as $key => $_) {
            if (!is_string($key) || !array_key_exists($key, self::OPTIONS)) {
                throw self::configError(
                    sprintf('unknown option %s (options use snake_case keys, see README.md)', var_export($key, true))
                );
            }
        }
        $libraryPath = self::optString($options, 'library_path');
        $headerPath = self::optString($options, 'header_path');
        $this->ffi = $ffi = Library::ffi($libraryPath, $headerPath);
        $this->shared = self::optBool($options, 'shared') ?? true;

        $provider = self::optString($options, 'provider');
        if ($provider === null || !array_key_exists($provider, self::PROVIDERS)) {
            throw self::configError("option 'provider' must be 'prosopo' or 'gatekeeper'");
        }
        $this->provider = $provider;

        $builder = $ffi->new('sv_client_builder*');
        $this->check($ffi->sv_client_builder_new(self::PROVIDERS[$provider], FFI::addr($builder)), 'provider');
        try {
            $this->configure($builder, $options);
            $client = $ffi->new('const sv_client*');
            $err = $ffi->new('sv_error*');
            $status = $this->shared
                ? $ffi->sv_client_builder_build_shared($builder, FFI::addr($client), FFI::addr($err))
                : $ffi->sv_client_builder_build($builder, FFI::addr($client), FFI::addr($err));
            if ($status !== Native::OK) {
                throw $this->takeError($status, $err);
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
     * @param string      $token    the form field as sent (Prosopo: `procaptcha-response`; GateKeeper:
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
                $this->check($ffi->sv_verify_options_new(FFI::addr($options)), 'options');
                if ($remoteIp !== null) {
                    $this->check(
                        $ffi->sv_verify_options_set_remote_ip($options, self::cString($remoteIp, 'remoteIp')),
                        'remoteIp'
                    );
                }
                if ($email !== null) {
                    $this->check($ffi->sv_verify_options_set_email($options, self::cString($email, 'email')), 'email');
                }
            }
            $outcome = $ffi->new('sv_outcome*');
            $err = $ffi->new('sv_error*');
            // The token goes as pointer + length: a NUL inside is seen by the library, not cut.
            $status = $ffi->sv_client_verify(
                $this->native,
                $token,
                strlen($token),
                $options,
                FFI::addr($outcome),
                FFI::addr($err)
            );
            if ($status !== Native::OK) {
                throw $this->takeError($status, $err);
            }
            return Outcome::fromNative($ffi, $outcome);
        } finally {
            if ($outcome !== null) {
                $ffi->sv_outcome_free($outcome);
            }
            if ($options !== null) {
                $ffi->sv_verify_options_free($options);
            }
        }
    }

    /** A snapshot of this native client's counters. */
    public function stats(): Stats
    {
        $ffi = $this->ffi;
        $stats = $ffi->new('sv_stats*');
        $this->check($ffi->sv_client_stats($this->native, FFI::addr($stats)), 'stats');
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

    /** `prosopo` or `gatekeeper`. */
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

    /** @param array<string, mixed> $options */
    private function configure(CData $builder, #[\SensitiveParameter] array $options): void
    {
        $ffi = $this->ffi;
        $secret = self::optString($options, 'secret');
        if ($secret !== null) {
            $this->check($ffi->sv_client_builder_set_secret($builder, $secret), 'secret');
        }
        unset($secret);
        foreach (['endpoint', 'region', 'proxy'] as $key) {
            $value = self::optString($options, $key);
            if ($value !== null) {
                $this->check($ffi->{'sv_client_builder_set_' . $key}($builder, $value), $key);
            }
        }
        foreach (
            [
                'expected_hostnames' => 'sv_client_builder_add_expected_hostname',
                'expected_actions' => 'sv_client_builder_add_expected_action',
                'ca_pems' => 'sv_client_builder_add_ca_pem',
                'ca_files' => 'sv_client_builder_add_ca_file',
            ] as $key => $function
        ) {
            foreach (self::optList($options, $key) as $value) {
                $this->check($ffi->{$function}($builder, $value), $key);
            }
        }
        foreach (
            [
                'timeout_ms' => 'sv_client_builder_set_timeout_ms',
                'connect_timeout_ms' => 'sv_client_builder_set_connect_timeout_ms',
                'attempt_timeout_ms' => 'sv_client_builder_set_attempt_timeout_ms',
                'max_age_seconds' => 'sv_client_builder_set_max_age_seconds',
            ] as $key => $function
        ) {
            $value = self::optInt($options, $key, PHP_INT_MAX);
            if ($value !== null) {
                $this->check($ffi->{$function}($builder, $value), $key);
            }
        }
        $retries = self::optInt($options, 'max_retries', self::U32_MAX);
        if ($retries !== null) {
            $this->check($ffi->sv_client_builder_set_max_retries($builder, $retries), 'max_retries');
        }
        $base = self::optInt($options, 'retry_base_delay_ms', PHP_INT_MAX);
        $max = self::optInt($options, 'retry_max_delay_ms', PHP_INT_MAX);
        if ($base !== null || $max !== null) {
            $this->check(
                $ffi->sv_client_builder_set_retry_backoff_ms(
                    $builder,
                    $base ?? self::DEFAULT_RETRY_BASE_DELAY_MS,
                    $max ?? self::DEFAULT_RETRY_MAX_DELAY_MS
                ),
                'retry_base_delay_ms'
            );
        }
        if (array_key_exists('score_threshold', $options)) {
            $threshold = $options['score_threshold'];
            if (!is_int($threshold) && !is_float($threshold)) {
                throw self::phpTypeError('score_threshold', 'an int or a float', $threshold);
            }
            $this->check($ffi->sv_client_builder_set_score_threshold($builder, (float) $threshold), 'score_threshold');
        }
        $failMode = self::optString($options, 'fail_mode');
        if ($failMode !== null) {
            if (!array_key_exists($failMode, self::FAIL_MODES)) {
                throw self::configError("option 'fail_mode' must be 'open' or 'closed'");
            }
            $this->check($ffi->sv_client_builder_set_fail_mode($builder, self::FAIL_MODES[$failMode]), 'fail_mode');
        }
        $onFailOpen = self::optString($options, 'on_fail_open');
        if ($onFailOpen !== null) {
            if (!array_key_exists($onFailOpen, self::FAIL_OPEN_POLICIES)) {
                throw self::configError("option 'on_fail_open' must be 'accept' or 'reject'");
            }
            $this->check(
                $ffi->sv_client_builder_set_on_fail_open($builder, self::FAIL_OPEN_POLICIES[$onFailOpen]),
                'on_fail_open'
            );
        }
        $allowHttp = self::optBool($options, 'allow_http');
        if ($allowHttp !== null) {
            $this->check($ffi->sv_client_builder_set_allow_http($builder, $allowHttp), 'allow_http');
        }
    }

    /**
     * Throws for a status other than SV_OK from a call that reports no
     * sv_error (builder setters, options setters): the message names the
     * option; the library's only reason to refuse a string there is that it
     * is not UTF-8.
     */
    private function check(int $status, string $what): void
    {
        if ($status !== Native::OK) {
            $name = (string) $this->ffi->sv_status_str($status);
            $message = $status === Native::INVALID_ARGUMENT
                ? sprintf("'%s' refused by the library (%s: strings must be valid UTF-8)", $what, $name)
                : sprintf("'%s' refused by the library (%s)", $what, $name);
            throw self::exceptionFor($status, $name, $message);
        }
    }

    /** Turns a failed call's sv_error into an exception, and frees it. */
    private function takeError(int $status, CData $err): SiteverifyException
    {
        $ffi = $this->ffi;
        try {
            if (FFI::isNull($err)) {
                $name = (string) $ffi->sv_status_str($status);
                return self::exceptionFor($status, $name, $name);
            }
            return self::exceptionFor(
                $ffi->sv_error_code($err),
                (string) $ffi->sv_error_name($err),
                (string) $ffi->sv_error_message($err)
            );
        } finally {
            $ffi->sv_error_free($err);
        }
    }

    /** Every status to its exception class; the code string always comes from the library. */
    private static function exceptionFor(int $status, string $name, string $message): SiteverifyException
    {
        return match ($status) {
            Native::NULL_ARGUMENT, Native::INVALID_ARGUMENT => new InvalidArgumentException($message, $name, $status),
            Native::CONFIGURATION => new ConfigurationException($message, $name, $status),
            Native::BLOCKING_IN_ASYNC_CONTEXT, Native::CANCELLED => new SiteverifyException($message, $name, $status),
            default => new InternalException($message, $name, $status),
        };
    }

    private static function configError(string $message): ConfigurationException
    {
        return new ConfigurationException($message, 'configuration', Native::CONFIGURATION);
    }

    /** @param array<string, mixed> $options */
    private static function optString(#[\SensitiveParameter] array $options, string $key): ?string
    {
        if (!array_key_exists($key, $options) || $options[$key] === null) {
            return null;
        }
        if (!is_string($options[$key])) {
            throw self::phpTypeError($key, 'a string', $options[$key]);
        }
        return self::cString($options[$key], $key);
    }

    /**
     * @param array<string, mixed> $options
     * @return list<string>
     */
    private static function optList(#[\SensitiveParameter] array $options, string $key): array
    {
        if (!array_key_exists($key, $options) || $options[$key] === null) {
            return [];
        }
        $list = $options[$key];
        if (!is_array($list) || !array_is_list($list)) {
            throw self::phpTypeError($key, 'a list of strings', $list);
        }
        foreach ($list as $value) {
            if (!is_string($value)) {
                throw self::phpTypeError($key, 'a list of strings', $value);
            }
            self::cString($value, $key);
        }
        return $list;
    }

    /** @param array<string, mixed> $options */
    private static function optInt(#[\SensitiveParameter] array $options, string $key, int $max): ?int
    {
        if (!array_key_exists($key, $options) || $options[$key] === null) {
            return null;
        }
        $value = $options[$key];
        if (!is_int($value)) {
            throw self::phpTypeError($key, 'an int', $value);
        }
        if ($value < 0 || $value > $max) {
            throw new InvalidArgumentException(
                sprintf("option '%s' must be between 0 and %d, got %d", $key, $max, $value),
                'invalid-argument',
                Native::INVALID_ARGUMENT
            );
        }
        return $value;
    }

    /** @param array<string, mixed> $options */
    private static function optBool(#[\SensitiveParameter] array $options, string $key): ?bool
    {
        if (!array_key_exists($key, $options) || $options[$key] === null) {
            return null;
        }
        if (!is_bool($options[$key])) {
            throw self::phpTypeError($key, 'a bool', $options[$key]);
        }
        return $options[$key];
    }

    /** A NUL-terminated C string argument must not contain NUL: C would silently cut it there. */
    private static function cString(#[\SensitiveParameter] string $value, string $what): string
    {
        if (str_contains($value, "\0")) {
            throw new InvalidArgumentException(
                sprintf('%s must not contain a NUL byte', $what),
                'invalid-argument',
                Native::INVALID_ARGUMENT
            );
        }
        return $value;
    }

    private static function phpTypeError(
        string $key,
        string $want,
        #[\SensitiveParameter] mixed $got
    ): InvalidArgumentException {
        return new InvalidArgumentException(
            sprintf("option '%s' must be %s, got %s", $key, $want, get_debug_type($got)),
            'invalid-argument',
            Native::INVALID_ARGUMENT
        );
    }
}
