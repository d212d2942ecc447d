<?php

declare(strict_types=1);

namespace Siteverify\Tests\Integration\Support;

use Siteverify\Client;
use Siteverify\Tests\Support\Mock;

/**
 * The provider the integration tests verify against: the only place that knows it is
 * the standalone mock (tests/Support/Mock.php), so swapping in the in-process mock
 * changes this class only.
 */
final class Provider
{
    public const SECRET = 'mock-secret';
    /** What the mock's `echo` scenario reports as the IP when none was sent (`ip=- email=-`). */
    public const NO_IP = '-';

    /**
     * Client options for the mock; no retries, so `status:code=503` is inconclusive at once.
     *
     * @param array<string, mixed> $extra
     * @return array<string, mixed>
     */
    public static function options(string $provider = 'gatekeeper', array $extra = []): array
    {
        return $extra + [
            'provider' => $provider,
            'secret' => self::SECRET,
            'endpoint' => self::endpoint($provider),
            'max_retries' => 0,
        ];
    }

    /** @param array<string, mixed> $extra */
    public static function client(string $provider = 'gatekeeper', array $extra = []): Client
    {
        return new Client(self::options($provider, $extra));
    }

    public static function endpoint(string $provider): string
    {
        return Mock::endpoint($provider);
    }
}
