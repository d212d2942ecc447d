<?php

declare(strict_types=1);

namespace Siteverify\Tests\Support;

use Siteverify\Exception\InvalidArgumentException;
use Siteverify\Testing\MockProvider;

/**
 * The mock provider for the whole test run: the package's own in-process mock
 * (Siteverify\Testing\MockProvider, libsiteverify's `sv_mock_*`) in this PHPUnit
 * process, stopped at exit. It also serves the subprocesses the tests start (php -S,
 * php-fpm, php-cli) while this process runs. Swapping the mock is this class only.
 */
final class Mock
{
    private static ?self $instance = null;

    private ?MockProvider $provider;
    public readonly string $url;

    private function __construct()
    {
        $this->provider = MockProvider::start();
        $this->url = $this->provider->url();
    }

    public static function get(): self
    {
        if (self::$instance === null) {
            self::$instance = new self();
            register_shutdown_function(static function (): void {
                self::$instance?->stop();
                self::$instance = null;
            });
        }
        return self::$instance;
    }

    public static function url(): string
    {
        return self::get()->url;
    }

    /** The provider's verify URL; for a name the mock does not serve (a test of that error), some URL of it. */
    public static function endpoint(string $provider): string
    {
        try {
            return self::provider()->endpoint($provider);
        } catch (InvalidArgumentException) {
            return self::url() . '/no-such-provider';
        }
    }

    public static function provider(): MockProvider
    {
        return self::get()->provider ?? throw new \LogicException('the mock was stopped');
    }

    /**
     * TCP connections the mock accepted, requests it answered.
     *
     * @return array{connections: int, requests: int}
     */
    public static function stats(): array
    {
        // A raw one-shot connection (counted by the mock too: callers compare deltas of their own calls).
        $body = file_get_contents(self::url() . '/__mock/stats', false, stream_context_create([
            'http' => ['header' => "Connection: close\r\n", 'timeout' => 5],
        ]));
        if ($body === false) {
            throw new \RuntimeException('cannot read the mock stats');
        }
        $stats = json_decode($body, true, 4, JSON_THROW_ON_ERROR);
        return ['connections' => (int) $stats['connections'], 'requests' => (int) $stats['requests']];
    }

    public function stop(): void
    {
        $this->provider?->stop();
        $this->provider = null;
    }
}
