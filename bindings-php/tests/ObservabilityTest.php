<?php

declare(strict_types=1);

namespace Siteverify\Tests;

use FFI;
use PHPUnit\Framework\TestCase;
use Siteverify\Client;
use Siteverify\Exception\ConfigurationException;
use Siteverify\Histogram;
use Siteverify\Library;
use Siteverify\Testing\MockProvider;
use Siteverify\Tests\Support\ArrayLogger;
use Siteverify\Tests\Support\Mock;
use Siteverify\Tests\Support\Psr;
use Siteverify\VerificationEvent;

/**
 * Issue 18: the stats' histograms and `byAttempts`; one PSR-3 record per verification
 * (levels, context, never the secret or the token); a throwing or slow logger or
 * `on_event` never changes a verdict; the event matches the core's own event.
 */
final class ObservabilityTest extends TestCase
{
    private const SECRET = 'sk_live_never-log-me-0123456789';
    private const TOKEN = 'pass:delay=1';

    /** @param array<string, mixed> $extra */
    private static function client(array $extra = [], string $provider = 'gatekeeper'): Client
    {
        // Unshared: counters of this client only.
        return new Client($extra + ['provider' => $provider, 'secret' => 'mock-secret',
            'endpoint' => Mock::endpoint($provider), 'shared' => false, 'max_retries' => 0]);
    }

    public function testHistogramsAndAttempts(): void
    {
        $client = self::client(['max_retries' => 2, 'retry_base_delay_ms' => 1, 'retry_max_delay_ms' => 1]);
        $client->verify('pass');
        $client->verify('pass:delay=20');
        $client->verify('fail');
        $client->verify('');                                   // rejected locally: 0 attempts
        $client->verify('flaky:fails=1:id=' . uniqid());     // one retry, then pass: 2 attempts
        $stats = $client->stats();

        self::assertSame(5, $stats->verifications);
        self::assertSame([0 => 1, 1 => 3, 2 => 1], $stats->byAttempts);
        self::assertInstanceOf(Histogram::class, $stats->verificationSeconds);
        $v = $stats->verificationSeconds;
        self::assertSame(5, $v->count);
        self::assertCount(14, $v->buckets, 'LATENCY_BUCKETS (13) and +Inf');
        self::assertSame(0.001, $v->buckets[0][0]);
        self::assertSame(INF, $v->buckets[13][0]);
        self::assertSame(5, $v->countAtMost(INF));
        $previous = [0.0, 0];
        foreach ($v->buckets as $bucket) {
            self::assertGreaterThan($previous[0], $bucket[0], 'bounds ascend');
            self::assertGreaterThanOrEqual($previous[1], $bucket[1], 'counts are cumulative');
            $previous = $bucket;
        }
        self::assertLessThanOrEqual(4, $v->countAtMost(0.01), 'the 20 ms answer is above 10 ms');
        self::assertGreaterThanOrEqual(0.02, $v->sumSeconds);
        self::assertLessThan(10.0, $v->sumSeconds);
        // Answered attempts: pass, pass:delay, fail, the flaky 503 and its pass.
        self::assertSame(5, $stats->roundTripSeconds->count);
        self::assertSame(5, $stats->roundTripSeconds->countAtMost(INF));
        self::assertGreaterThanOrEqual(0.02, $stats->roundTripSeconds->sumSeconds);
        // The counters still come through their accessors, and agree.
        self::assertSame(1, $stats->retries);
        self::assertSame(3, $stats->accepted);
    }

    public function testAFreshClientHasEmptyHistograms(): void
    {
        $stats = self::client()->stats();
        self::assertSame([], $stats->byAttempts);
        self::assertSame(0, $stats->verificationSeconds->count);
        self::assertSame(0.0, $stats->verificationSeconds->sumSeconds);
        self::assertSame(0, $stats->roundTripSeconds->countAtMost(INF));
        $this->expectException(\InvalidArgumentException::class);
        $stats->verificationSeconds->countAtMost(0.0123);
    }

    public function testOneRecordPerVerificationAtItsLevel(): void
    {
        Psr::requireLog();
        $logger = new ArrayLogger();
        $tls = MockProvider::start(null, true);
        $cases = [
            // token, provider, extra options, level, reason
            ['pass', 'gatekeeper', [], 'debug', 'verified'],
            ['fail', 'gatekeeper', [], 'info', 'token-invalid'],
            ['status:code=503', 'prosopo', [], 'info', 'provider-unavailable'],
            ['', 'prosopo', [], 'info', 'token-invalid'],
            ['fail-open', 'prosopo', [], 'warning', 'provider-fail-open'],
            ['fail-open', 'prosopo', ['on_fail_open' => 'accept'], 'warning', 'provider-fail-open'],
            ['pass', 'gatekeeper', ['secret' => 'not-the-mock-secret'], 'warning', 'provider-rejected-request'],
            ['pass', 'gatekeeper', ['endpoint' => $tls->endpoint('gatekeeper')], 'warning', 'tls-failure'],
        ];
        $coreNames = ['debug' => 'debug', 'info' => 'info', 'warning' => 'warn'];
        foreach ($cases as [$token, $provider, $extra, $level, $reason]) {
            $logger->records = [];
            $events = [];
            $onEvent = static function (VerificationEvent $e) use (&$events): void {
                $events[] = $e;
            };
            $outcome = self::client($extra + ['logger' => $logger, 'on_event' => $onEvent], $provider)->verify($token);
            self::assertSame($reason, $outcome->reason, $token);
            // The level is the core's, by name; the PSR-3 level only names it.
            self::assertCount(1, $events);
            self::assertSame($coreNames[$level], $events[0]->levelName, "$token ($reason)");
            self::assertSame($coreNames[$level], $events[0]->toArray()['level']);
            self::assertSame($level, $events[0]->level());
            self::assertCount(1, $logger->records, "$token: one record");
            $record = $logger->records[0];
            self::assertSame($level, $record['level'], "$token ($reason)");
            self::assertSame("siteverify $provider: $reason", $record['message']);
            $context = $record['context'];
            self::assertSame(
                ['provider', 'accepted', 'verified', 'conclusive', 'reason', 'http_status', 'attempts', 'latency_ms',
                    'error_key', 'error_codes', 'fail_open_suspected', 'token_fingerprint'],
                array_keys($context)
            );
            self::assertSame($provider, $context['provider']);
            self::assertSame($outcome->accepted, $context['accepted']);
            self::assertSame($outcome->conclusive, $context['conclusive']);
            self::assertSame($reason, $context['reason']);
            self::assertSame($outcome->httpStatus, $context['http_status']);
            self::assertSame($outcome->attempts, $context['attempts']);
            self::assertSame($outcome->errorKey, $context['error_key']);
            self::assertIsFloat($context['latency_ms']);
            self::assertGreaterThan(0.0, $context['latency_ms']);
            self::assertSame(substr(hash('sha256', $token), 0, 8), $context['token_fingerprint']);
        }
        self::assertTrue(
            self::client(['on_fail_open' => 'accept', 'logger' => $logger], 'prosopo')->verify('fail-open')->accepted,
            'an accepted fail-open answer is still a warning (above)'
        );
    }

    public function testNeitherTheSecretNorTheTokenIsLogged(): void
    {
        Psr::requireLog();
        $logger = new ArrayLogger();
        $events = [];
        $mock = MockProvider::start(self::SECRET);
        $client = new Client($mock->clientOptions('gatekeeper', [
            'logger' => $logger,
            'on_event' => static function (VerificationEvent $e) use (&$events): void {
                $events[] = $e;
            },
        ]));
        self::assertTrue($client->verify(self::TOKEN)->accepted);
        $client->verify('error:key=invalid-input-secret:status=401');
        self::assertCount(2, $logger->records);
        self::assertCount(2, $events);
        $dump = json_encode($logger->records) . json_encode(array_map(static fn ($e) => $e->toArray(), $events))
            . print_r($events, true) . var_export($logger->records, true);
        self::assertStringNotContainsString(self::SECRET, $dump);
        self::assertStringNotContainsString(self::TOKEN, $dump);
        self::assertStringNotContainsString('invalid-input-secret:status', $dump);
        self::assertStringContainsString(VerificationEvent::fingerprint(self::TOKEN), $dump);
    }

    public function testAThrowingLoggerOrHandlerChangesNothing(): void
    {
        Psr::requireLog();
        $logger = new ArrayLogger();
        $logger->before = static function (): void {
            throw new \RuntimeException('the log disk is full');
        };
        $calls = 0;
        $client = self::client([
            'logger' => $logger,
            'on_event' => static function () use (&$calls): void {
                $calls++;
                throw new \Error('a bug in the handler');
            },
        ]);
        self::assertTrue($client->verify('pass')->accepted);
        $outcome = $client->verify('fail');
        self::assertFalse($outcome->accepted);
        self::assertSame('token-invalid', $outcome->reason);
        self::assertSame(2, $calls, 'the handler still ran after the logger threw');
        self::assertSame(2, $client->stats()->verifications);
    }

    public function testASlowHandlerDelaysTheReturnNotTheVerdict(): void
    {
        $events = [];
        $client = self::client(['on_event' => static function (VerificationEvent $e) use (&$events): void {
            usleep(100_000);
            $events[] = $e;
        }]);
        $start = hrtime(true);
        self::assertTrue($client->verify('pass')->accepted);
        self::assertGreaterThanOrEqual(100.0, (hrtime(true) - $start) / 1e6);
        self::assertCount(1, $events);
        self::assertLessThan(100.0, $events[0]->latencyMs, 'the handler\'s time is not the verification\'s');
        self::assertSame(1, $client->stats()->verificationSeconds->countAtMost(INF));
    }

    public function testLoggerMustBeAPsrLogger(): void
    {
        foreach ([new \stdClass(), 'error_log', [1]] as $notALogger) {
            try {
                self::client(['logger' => $notALogger]);
                self::fail('accepted ' . get_debug_type($notALogger));
            } catch (ConfigurationException $e) {
                self::assertStringContainsString('Psr\Log\LoggerInterface', $e->getMessage());
            }
        }
        $this->expectException(ConfigurationException::class);
        $this->expectExceptionMessage('on_event');
        self::client(['on_event' => 'no_such_function']);
    }

    public function testAnInvalidArgumentIsNoEvent(): void
    {
        $events = 0;
        $client = self::client(['on_event' => static function () use (&$events): void {
            $events++;
        }]);
        try {
            $client->verify('pass', 'not-an-ip');
            self::fail('accepted an invalid IP');
        } catch (\Siteverify\Exception\InvalidArgumentException) {
        }
        self::assertSame(0, $events);
    }

    /** Two clients with the same options share the native client, each with its own logger. */
    public function testSharedClientsKeepTheirOwnLoggers(): void
    {
        $a = [];
        $b = [];
        $options = ['provider' => 'gatekeeper', 'secret' => 'mock-secret', 'endpoint' => Mock::endpoint('gatekeeper')];
        $first = new Client($options + ['on_event' => static function ($e) use (&$a): void {
            $a[] = $e;
        }]);
        $second = new Client($options + ['on_event' => static function ($e) use (&$b): void {
            $b[] = $e;
        }]);
        $before = $first->stats()->verifications;
        $first->verify('pass');
        $second->verify('fail');
        $plain = new Client($options);
        $plain->verify('pass');
        self::assertSame($before + 3, $second->stats()->verifications, 'one native client');
        self::assertCount(1, $a);
        self::assertCount(1, $b);
        self::assertSame('token-invalid', $b[0]->outcome->reason);
    }

    /**
     * The event built in PHP carries what the core's own event carries
     * (`sv_client_builder_set_event_callback`): same fields, same values but the latency.
     */
    public function testTheEventMatchesTheCoreEvent(): void
    {
        $ffi = Library::ffi();
        $core = [];
        // FFI hands the `const char *` over as a PHP string. Nothing may throw out of an FFI
        // callback (PHP stops with a fatal error): one reason the package builds its event in PHP.
        $callback = static function ($userdata, string $json) use (&$core): void {
            $core[] = json_decode($json, true, 8) ?? $json;
        };
        $builder = $ffi->new('sv_client_builder*');
        $client = $ffi->new('const sv_client*');
        self::assertSame(0, $ffi->sv_client_builder_new_named('gatekeeper', FFI::addr($builder), null));
        $outcome = $ffi->new('sv_outcome*');
        try {
            $ffi->sv_client_builder_set_secret($builder, 'mock-secret');
            $ffi->sv_client_builder_set_endpoint($builder, Mock::endpoint('gatekeeper'));
            self::assertSame(0, $ffi->sv_client_builder_set_event_callback($builder, $callback, null));
            self::assertSame(0, $ffi->sv_client_builder_build($builder, FFI::addr($client), null));
            self::assertSame(0, $ffi->sv_client_verify($client, 'fail', 4, null, FFI::addr($outcome), null));
        } finally {
            $ffi->sv_outcome_free($outcome);
            $ffi->sv_client_free($client);
            $ffi->sv_client_builder_free($builder);
        }
        self::assertCount(1, $core, 'the core called back on this thread, during the call');

        $events = [];
        self::client(['on_event' => static function (VerificationEvent $e) use (&$events): void {
            $events[] = $e;
        }])->verify('fail');
        $php = $events[0]->toArray();
        self::assertEqualsCanonicalizing(array_keys($core[0]), array_keys($php));
        foreach (['latency', 'timestamp', 'challenge_ts', 'score'] as $varies) {
            unset($core[0][$varies], $php[$varies]);
        }
        self::assertEquals($core[0], $php);
    }
}
