<?php

declare(strict_types=1);

namespace Siteverify\Tests;

use FFI;
use PHPUnit\Framework\TestCase;
use Siteverify\Client;
use Siteverify\Exception\SiteverifyException;
use Siteverify\Library;
use Siteverify\Tests\Support\Mock;

/**
 * 10,000 verifications with flat memory: PHP's heap (memory_get_usage) and the
 * process's resident set (VmRSS, which native leaks would grow). A leaked
 * outcome per call grows VmRSS by about 10 MB over 10,000 calls (see
 * testTheRssBoundCatchesAnOutcomeLeak), well over the bound.
 */
final class MemoryTest extends TestCase
{
    private const LOOPS = 10000;
    /** Allowed VmRSS growth over the loop, after a warm-up. */
    private const RSS_BOUND = 3 * 1024 * 1024;
    /** Allowed PHP heap growth over the loop. */
    private const HEAP_BOUND = 64 * 1024;

    private static function rss(): int
    {
        $status = (string) file_get_contents('/proc/self/status');
        if (preg_match('/^VmRSS:\s+(\d+) kB/m', $status, $m) !== 1) {
            self::markTestSkipped('no VmRSS in /proc/self/status');
        }
        return (int) $m[1] * 1024;
    }

    /**
     * @param callable(int): void $body
     * @return array{heap: int, rss: int, seconds: float}
     */
    private static function measure(callable $body, int $loops = self::LOOPS): array
    {
        for ($i = 0; $i < 500; $i++) {
            $body($i);
        }
        gc_collect_cycles();
        $heap = memory_get_usage();
        $rss = self::rss();
        $start = microtime(true);
        for ($i = 0; $i < $loops; $i++) {
            $body($i);
        }
        $seconds = microtime(true) - $start;
        gc_collect_cycles();
        return ['heap' => memory_get_usage() - $heap, 'rss' => self::rss() - $rss, 'seconds' => $seconds];
    }

    /** @param array{heap: int, rss: int, seconds: float} $m */
    private static function report(string $what, array $m, int $loops = self::LOOPS): void
    {
        fwrite(STDERR, sprintf(
            "\n[memory] %s: %d loops in %.2f s, heap %+d bytes, VmRSS %+d KB\n",
            $what,
            $loops,
            $m['seconds'],
            $m['heap'],
            intdiv($m['rss'], 1024)
        ));
    }

    public function testTenThousandVerificationsKeepMemoryFlat(): void
    {
        $client = new Client(['provider' => 'gatekeeper', 'secret' => 'mock-secret',
            'endpoint' => Mock::endpoint('gatekeeper'), 'expected_hostnames' => ['example.com']]);
        $accepted = 0;
        $m = self::measure(static function () use ($client, &$accepted): void {
            $outcome = $client->verify('pass:score=0.1', '203.0.113.7');
            $accepted += (int) $outcome->accepted;
        });
        self::report('verify', $m);
        self::assertSame(self::LOOPS, $accepted - 500);
        self::assertLessThan(self::HEAP_BOUND, $m['heap'], 'PHP heap grew');
        self::assertLessThan(self::RSS_BOUND, $m['rss'], 'VmRSS grew: a native object is not freed');
    }

    public function testErrorPathsFreeEverything(): void
    {
        // Builder and sv_error freed when building or setting an option fails; options and sv_error when verifying fails.
        $client = new Client(['provider' => 'prosopo', 'secret' => 'mock-secret', 'endpoint' => Mock::endpoint('prosopo')]);
        $m = self::measure(static function (int $i) use ($client): void {
            try {
                new Client(['provider' => 'gatekeeper', 'secret' => 'mock-secret', 'expected_hostnames' => ['example.com'],
                    'endpoint' => 'http://example.com/verify', 'timeout_ms' => 1000 + $i]);
            } catch (SiteverifyException) {
            }
            try {
                // A setter's sv_error and the builder, freed when an option is refused.
                new Client(['provider' => 'gatekeeper', 'secret' => 'mock-secret', 'max_retries' => "x$i"]);
            } catch (SiteverifyException) {
            }
            try {
                $client->verify('pass', 'not-an-ip', 'alice@example.com');
            } catch (SiteverifyException) {
            }
        });
        self::report('failed build + failed verify', $m);
        self::assertLessThan(self::HEAP_BOUND, $m['heap'], 'PHP heap grew');
        self::assertLessThan(self::RSS_BOUND, $m['rss'], 'VmRSS grew on error paths');
    }

    public function testClientsAreFreed(): void
    {
        // Unshared clients built and dropped: each one's native client is released by __destruct.
        $m = self::measure(static function (int $i): void {
            $client = new Client(['provider' => 'gatekeeper', 'secret' => 'mock-secret',
                'endpoint' => Mock::endpoint('gatekeeper'), 'shared' => false]);
            $client->verify('');
        }, 2000);
        self::report('unshared clients built and dropped', $m, 2000);
        self::assertLessThan(self::RSS_BOUND, $m['rss'], 'VmRSS grew: clients are not freed');
    }

    /** The bound is meaningful: the same loop that forgets sv_outcome_free exceeds it. */
    public function testTheRssBoundCatchesAnOutcomeLeak(): void
    {
        $ffi = Library::ffi();
        $builder = $ffi->new('sv_client_builder*');
        $client = $ffi->new('const sv_client*');
        $ffi->sv_client_builder_new(2, FFI::addr($builder));
        $ffi->sv_client_builder_set_secret($builder, 'mock-secret');
        $ffi->sv_client_builder_set_endpoint($builder, Mock::endpoint('gatekeeper'));
        $ffi->sv_client_builder_build($builder, FFI::addr($client), null);
        $ffi->sv_client_builder_free($builder);
        $m = self::measure(static function () use ($ffi, $client): void {
            $outcome = $ffi->new('sv_outcome*');
            $ffi->sv_client_verify($client, 'pass:score=0.1', 14, null, FFI::addr($outcome), null);
            // deliberately no sv_outcome_free($outcome)
        });
        $ffi->sv_client_free($client);
        self::report('leaking outcomes on purpose', $m);
        self::assertGreaterThan(self::RSS_BOUND, $m['rss']);
    }
}
