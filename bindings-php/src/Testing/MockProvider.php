<?php

declare(strict_types=1);

namespace Siteverify\Testing;

use FFI;
use FFI\CData;
use Siteverify\Abi;
use Siteverify\Errors;
use Siteverify\Library;

/**
 * The mock provider inside this PHP process, for your application's tests:
 * every provider's verify API on an ephemeral loopback port, served by libsiteverify's
 * own threads (`sv_mock_start`), with the scenario tokens of the standalone
 * mock (`pass`, `fail`, `expired`, `pass:score=0.9`, `status:code=503`, ...:
 * mock/README.md).
 *
 * ```php
 * $mock = MockProvider::start();
 * $client = new Siteverify\Client($mock->clientOptions('prosopo'));
 * $client->verify('pass')->accepted;   // true
 * // reCAPTCHA Enterprise needs its site key and project ID (hCaptcha and Friendly take a site key):
 * $client = new Siteverify\Client($mock->clientOptions(Siteverify\Provider::RECAPTCHA_ENTERPRISE, [
 *     'site_key' => MockProvider::SITE_KEY, 'project_id' => MockProvider::PROJECT_ID,
 * ]));
 * ```
 *
 * It stops when the object is released (or with `stop()`). It answers other
 * processes too (php -S, php-fpm) while this one is alive. Test support: not
 * for production.
 */
final class MockProvider
{
    /** The secret the mock accepts unless told otherwise. */
    public const DEFAULT_SECRET = 'mock-secret';
    /** The site key the mock accepts (`site_key`; besides the providers' own test keys). */
    public const SITE_KEY = 'mock-site-key';
    /** The reCAPTCHA Enterprise project ID in the mock's `endpoint('recaptcha-enterprise')` (`project_id`). */
    public const PROJECT_ID = 'siteverify-mock';

    private readonly FFI $ffi;
    /** `sv_mock*`, freed by stop(). */
    private ?CData $native = null;
    private readonly string $secret;
    private readonly string $url;
    private readonly ?string $caPem;

    /**
     * Starts it.
     *
     * @param string|null $secret the secret it accepts (null: `mock-secret`)
     * @param bool        $tls    serve HTTPS with a CA generated now: give `caPem()` to the client
     *                            (`'ca_pems' => [$mock->caPem()]`, as clientOptions() does)
     *
     * @throws \Siteverify\Exception\SiteverifyException it cannot start, or the library cannot be loaded
     */
    public function __construct(?string $secret = null, bool $tls = false)
    {
        $this->ffi = $ffi = Library::ffi();
        if ($secret !== null && ($secret === '' || str_contains($secret, "\0"))) {
            throw Errors::invalidArgument('the mock secret must be a non-empty string without NUL bytes');
        }
        $mock = $ffi->new('sv_mock*');
        $err = $ffi->new('sv_error*');
        $status = $ffi->sv_mock_start($secret, $tls, FFI::addr($mock), FFI::addr($err));
        if ($status !== Abi::OK) {
            throw Errors::take($ffi, $status, $err);
        }
        $this->native = $mock;
        $this->secret = $secret ?? self::DEFAULT_SECRET;
        $this->url = (string) $ffi->sv_mock_url($mock);
        $this->caPem = $ffi->sv_mock_ca_pem($mock);
    }

    /** Starts one: `new MockProvider($secret, $tls)`. */
    public static function start(?string $secret = null, bool $tls = false): self
    {
        return new self($secret, $tls);
    }

    /** The base URL, `http://127.0.0.1:PORT` (`https://` with TLS). */
    public function url(): string
    {
        return $this->url;
    }

    /**
     * The verify URL for a provider: the `endpoint` client option.
     *
     * @param string $provider a core provider name (`Siteverify\Provider`): `prosopo`, `turnstile`, ...
     *
     * @throws \Siteverify\Exception\InvalidArgumentException a provider the mock does not serve
     */
    public function endpoint(string $provider): string
    {
        $endpoint = str_contains($provider, "\0") ? null : $this->ffi->sv_mock_endpoint($this->live(), $provider);
        if ($endpoint === null) {
            throw Errors::invalidArgument(sprintf('the mock serves no provider named %s', json_encode($provider)));
        }
        return (string) $endpoint;
    }

    /** With TLS, the CA certificate (PEM) to trust; null in plain mode. */
    public function caPem(): ?string
    {
        return $this->caPem;
    }

    /** The secret it accepts. */
    public function secret(): string
    {
        return $this->secret;
    }

    /** Requests it has served so far (to assert that nothing was sent, e.g. for an empty token). */
    public function requests(): int
    {
        return $this->ffi->sv_mock_requests($this->live());
    }

    /**
     * Client options for this mock: provider, secret, endpoint (and the CA with TLS), then yours
     * (a provider's own keys among them: `site_key` => SITE_KEY, `project_id` => PROJECT_ID).
     *
     * @param array<string, mixed> $extra more options, e.g. `['max_retries' => 0]`
     * @return array<string, mixed>
     */
    public function clientOptions(string $provider, array $extra = []): array
    {
        $options = ['provider' => $provider, 'secret' => $this->secret, 'endpoint' => $this->endpoint($provider)];
        if ($this->caPem !== null) {
            $options['ca_pems'] = [$this->caPem];
        }
        return $extra + $options;
    }

    /**
     * Stops it (and frees it); later calls do nothing. It returns at once: the library shuts the
     * server down in the background, and the port closes moments later.
     */
    public function stop(): void
    {
        if ($this->native !== null) {
            $this->ffi->sv_mock_free($this->native);
            $this->native = null;
        }
    }

    public function __destruct()
    {
        $this->stop();
    }

    /** A copy would stop the mock twice. */
    private function __clone()
    {
    }

    private function live(): CData
    {
        if ($this->native === null) {
            throw new \LogicException('the mock provider was stopped');
        }
        return $this->native;
    }
}
