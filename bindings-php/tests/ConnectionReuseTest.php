<?php

declare(strict_types=1);

namespace Siteverify\Tests;

use PHPUnit\Framework\TestCase;
use Siteverify\Client;
use Siteverify\Tests\Support\Mock;

/**
 * Two Client instances with the same options share one native client (the
 * library's build_shared cache) and so its keep-alive connection: the mock
 * accepts one TCP connection for both. Each Mock::stats() call is itself one
 * connection, subtracted below.
 */
final class ConnectionReuseTest extends TestCase
{
    /** @return array<string, mixed> */
    private static function options(string $secret = 'mock-secret'): array
    {
        return [
            'provider' => 'gatekeeper',
            'secret' => $secret,
            'endpoint' => Mock::endpoint('gatekeeper'),
            'expected_hostnames' => ['example.com'],
            // Unique to this test, so no earlier test's client is reused.
            'expected_actions' => ['login', 'reuse-' . getmypid()],
        ];
    }

    /**
     * New TCP connections accepted by the mock while $body runs.
     *
     * After a verification the library returns the connection to its pool in
     * the background; a verification started within a millisecond or so may
     * not find it yet and open another (see the last test). Requests of a
     * php-fpm worker are further apart than that: so is each $body here.
     */
    private static function connections(callable $body): int
    {
        $before = Mock::stats()['connections'];
        usleep(50000);
        $body();
        return Mock::stats()['connections'] - $before - 1;
    }

    public function testSameOptionsReuseTheConnection(): void
    {
        Client::clearSharedClients();
        $first = new Client(self::options());
        self::assertSame(1, self::connections(static function () use ($first): void {
            self::assertTrue($first->verify('pass')->accepted);
        }));
        // As a later request of the same php-fpm worker: the first object is gone.
        unset($first);
        self::assertSame(0, self::connections(static function (): void {
            $second = new Client(self::options());
            self::assertTrue($second->verify('pass')->accepted);
            self::assertSame(2, $second->stats()->verifications, 'the same native client counted both');
        }));
    }

    public function testDifferentSecretOrUnsharedGetsItsOwnClient(): void
    {
        Client::clearSharedClients();
        $a = new Client(self::options());
        $a->verify('pass');
        // A different secret is a different key (through its SHA-256): a new native client, a new connection.
        self::assertSame(1, self::connections(static function (): void {
            $other = new Client(self::options('sk_live_other'));
            $other->verify('pass');
            self::assertSame(1, $other->stats()->verifications);
        }));
        // 'shared' => false builds a private native client.
        self::assertSame(1, self::connections(static function (): void {
            (new Client(['shared' => false] + self::options()))->verify('pass');
        }));
        // And the shared one still has its connection.
        self::assertSame(0, self::connections(static function (): void {
            (new Client(self::options()))->verify('pass');
        }));
    }

    public function testClearSharedClients(): void
    {
        (new Client(self::options()))->verify('pass');
        Client::clearSharedClients();
        self::assertSame(1, self::connections(static function (): void {
            $fresh = new Client(self::options());
            $fresh->verify('pass');
            self::assertSame(1, $fresh->stats()->verifications);
        }));
    }

    public function testManyClientsFewConnections(): void
    {
        Client::clearSharedClients();
        // Back to back, with no pause at all, a verification now and then starts before the
        // previous connection is back in the pool and opens another: "few", not "one".
        $connections = self::connections(static function (): void {
            for ($i = 0; $i < 100; $i++) {
                (new Client(self::options()))->verify('pass');
            }
        });
        self::assertGreaterThanOrEqual(1, $connections);
        self::assertLessThanOrEqual(10, $connections, '100 verifications through 100 Client objects');
    }
}
