<?php

declare(strict_types=1);

namespace Siteverify\Tests;

use PHPUnit\Framework\TestCase;
use Siteverify\Client;
use Siteverify\Exception\ConfigurationException;
use Siteverify\Exception\InternalException;
use Siteverify\Exception\InvalidArgumentException;
use Siteverify\Exception\LibraryException;
use Siteverify\Exception\SiteverifyException;
use Siteverify\Errors;
use Siteverify\Library;
use Siteverify\Abi;
use Siteverify\Outcome;
use Siteverify\Tests\Support\Mock;

/** Options, invalid arguments, exceptions and the secret's privacy. */
final class ClientTest extends TestCase
{
    private const SECRET = 'sk_live_do-not-print-me-0123456789';

    /** @param array<string, mixed> $extra */
    private static function options(array $extra = [], string $provider = 'gatekeeper'): array
    {
        return $extra + ['provider' => $provider, 'secret' => 'mock-secret', 'endpoint' => Mock::endpoint($provider)];
    }

    public function testVerifiesAndReadsEveryField(): void
    {
        $client = new Client(self::options(['expected_hostnames' => ['example.com'], 'score_threshold' => 0.5]));
        $outcome = $client->verify('pass:score=0.2', '203.0.113.7');
        self::assertInstanceOf(Outcome::class, $outcome);
        self::assertTrue($outcome->accepted);
        self::assertTrue($outcome->verified);
        self::assertTrue($outcome->conclusive);
        self::assertSame('verified', $outcome->reason);
        self::assertEqualsWithDelta(0.2, $outcome->score, 1e-9);
        self::assertSame('example.com', $outcome->hostname);
        self::assertSame('login', $outcome->action);
        self::assertIsString($outcome->challengeTs);
        self::assertIsString($outcome->timestamp);
        self::assertSame(200, $outcome->httpStatus);
        self::assertSame(1, $outcome->attempts);
        self::assertSame([], $outcome->errorCodes);
        self::assertSame(
            ['accepted', 'verified', 'conclusive', 'reason', 'score', 'hostname', 'action', 'challenge_ts', 'timestamp',
                'error_key', 'error_codes', 'provider_reason', 'http_status', 'retryable', 'attempts',
                'fail_open_suspected', 'detail'],
            array_keys($outcome->toArray())
        );
        self::assertSame('gatekeeper', $client->provider());
        self::assertSame(Mock::endpoint('gatekeeper'), $client->endpoint());
        self::assertTrue($client->isShared());
    }

    public function testOutcomeIsReadonly(): void
    {
        $outcome = (new Client(self::options()))->verify('pass');
        $this->expectException(\Error::class);
        $this->expectExceptionMessageMatches('/readonly/');
        /** @psalm-suppress InaccessibleProperty */
        $outcome->accepted = false; // @phpstan-ignore-line
    }

    public function testEveryOptionIsAccepted(): void
    {
        $caFile = dirname(__DIR__, 2) . '/tests/fixtures/test-ca.pem';
        $ca = (string) file_get_contents($caFile);
        $client = new Client([
            'provider' => 'gatekeeper',
            'secret' => 'mock-secret',
            'endpoint' => Mock::endpoint('gatekeeper'),
            'expected_hostnames' => ['example.com', 'www.example.com'],
            'expected_actions' => ['login'],
            'ca_pems' => [$ca],
            'ca_files' => [$caFile],
            'timeout_ms' => 5000,
            'connect_timeout_ms' => 1000,
            'attempt_timeout_ms' => 2000,
            'max_retries' => 1,
            'retry_base_delay_ms' => 10,
            'retry_max_delay_ms' => 100,
            'score_threshold' => 0.5,
            'max_age_seconds' => 300,
            'fail_mode' => 'closed',
            'on_fail_open' => 'reject',
            'allow_http' => false,
            'shared' => false,
            'library_path' => null,
            'header_path' => null,
        ]);
        self::assertSame('verified', $client->verify('pass:score=0.1')->reason);
        self::assertFalse($client->isShared());
    }

    /**
     * Every mistake in an option is the core's `configuration` error, whatever PHP type it has;
     * a string that is not UTF-8 included.
     *
     * @return iterable<string, array{array<string, mixed>, class-string, string, string}>
     */
    public static function badOptions(): iterable
    {
        yield 'unknown key' => [['bogus' => 5], ConfigurationException::class, 'configuration', '/unknown option "bogus"/'];
        yield 'unknown key with a unit' => [['timeuot_ms' => 5], ConfigurationException::class, 'configuration', '/unknown option "timeuot"/'];
        yield 'core name without the unit' => [['timeout' => 5], ConfigurationException::class, 'configuration', '/option timeout must be a duration/'];
        yield 'camelCase key' => [['scoreThreshold' => 0.5], ConfigurationException::class, 'configuration', '/scoreThreshold/'];
        yield 'integer key' => [[0 => 'x'], ConfigurationException::class, 'configuration', '/unknown option "0"/'];
        yield 'unknown provider' => [['provider' => 'recaptcha'], ConfigurationException::class, 'configuration', '/unknown provider/'];
        yield 'provider not a string' => [['provider' => 1], ConfigurationException::class, 'configuration', '/provider/'];
        yield 'empty secret' => [['secret' => ''], ConfigurationException::class, 'configuration', '/secret/'];
        yield 'unknown fail mode' => [['fail_mode' => 'sometimes'], ConfigurationException::class, 'configuration', '/fail_mode|fail mode/'];
        yield 'unknown on_fail_open' => [['on_fail_open' => 'maybe'], ConfigurationException::class, 'configuration', '/on_fail_open|fail-open/'];
        yield 'fail mode as a number' => [['fail_mode' => 1], ConfigurationException::class, 'configuration', '/option fail_mode must be/'];
        yield 'proxy with plain HTTP' => [['proxy' => 'http://127.0.0.1:9'], ConfigurationException::class, 'configuration', '/proxy/'];
        yield 'zero timeout' => [['timeout_ms' => 0], ConfigurationException::class, 'configuration', '/timeout/'];
        yield 'negative timeout' => [['timeout_ms' => -1], ConfigurationException::class, 'configuration', '/timeout/'];
        yield 'NaN timeout' => [['timeout_ms' => NAN], ConfigurationException::class, 'configuration', '/timeout/'];
        yield 'threshold out of range' => [['score_threshold' => 1.5], ConfigurationException::class, 'configuration', '/threshold/'];
        yield 'timeout as a string' => [['timeout_ms' => '5000'], ConfigurationException::class, 'configuration', '/option timeout must be a duration/'];
        yield 'timeout as a list' => [['timeout_ms' => [5000]], ConfigurationException::class, 'configuration', '/option timeout must be a duration/'];
        yield 'timeout as a bool' => [['timeout_ms' => true], ConfigurationException::class, 'configuration', '/option timeout must be a duration/'];
        yield 'retries as a string' => [['max_retries' => '2'], ConfigurationException::class, 'configuration', '/option max_retries must be a whole number/'];
        yield 'fractional retries' => [['max_retries' => 1.5], ConfigurationException::class, 'configuration', '/option max_retries must be a whole number/'];
        yield 'negative retries' => [['max_retries' => -1], ConfigurationException::class, 'configuration', '/max_retries/'];
        yield 'retries over u32' => [['max_retries' => 4294967296], ConfigurationException::class, 'configuration', '/max_retries/'];
        yield 'threshold as a string' => [['score_threshold' => '0.5'], ConfigurationException::class, 'configuration', '/option score_threshold must be a number/'];
        yield 'hostname not a string' => [['expected_hostnames' => [42]], ConfigurationException::class, 'configuration', '/option expected_hostnames must be a list of strings/'];
        yield 'hostnames as a bool' => [['expected_hostnames' => true], ConfigurationException::class, 'configuration', '/option expected_hostnames must be a list of strings/'];
        yield 'allow_http as a string' => [['allow_http' => 'yes'], ConfigurationException::class, 'configuration', '/option allow_http must be a boolean/'];
        yield 'allow_http as an int' => [['allow_http' => 1], ConfigurationException::class, 'configuration', '/option allow_http must be a boolean/'];
        yield 'secret not a string' => [['secret' => 123456], ConfigurationException::class, 'configuration', '/option secret must be a string/'];
        yield 'an object' => [['secret' => new \stdClass()], ConfigurationException::class, 'configuration', '/option secret: a PHP stdClass cannot be passed/'];
        yield 'shared as a string' => [['shared' => 'yes'], ConfigurationException::class, 'configuration', '/option shared must be a boolean/'];
        yield 'NUL in a hostname' => [['expected_hostnames' => ["example.com\0.evil.net"]], ConfigurationException::class, 'configuration', '/NUL/'];
        yield 'NUL in a key' => [["timeout\0x" => 5], ConfigurationException::class, 'configuration', '/unknown option/'];
        yield 'secret not UTF-8' => [['secret' => "\xff\xfe"], ConfigurationException::class, 'configuration', '/UTF-8/'];
    }

    /** Durations take ints or floats (milliseconds, or seconds for `max_age_seconds`); a list option takes one string too. */
    public function testOptionsPassAsTyped(): void
    {
        $client = new Client(self::options([
            'timeout_ms' => 5000.5,
            'max_age_seconds' => 30.5,
            'max_retries' => 1.0,
            'score_threshold' => 1,
            'expected_hostnames' => 'example.com',
            'expected_actions' => ['a' => 'login', 'b' => 'signup'],
            'on_fail_open' => null,
            'shared' => false,
        ]));
        self::assertSame('verified', $client->verify('pass:action=signup')->reason);
        self::assertSame('hostname-mismatch', $client->verify('pass:hostname=evil.example')->reason);
    }

    /**
     * @dataProvider badOptions
     * @param array<string, mixed> $bad
     * @param class-string<SiteverifyException> $class
     */
    public function testBadOptionsThrow(array $bad, string $class, string $code, string $message): void
    {
        try {
            new Client($bad + self::options());
        } catch (SiteverifyException $e) {
            self::assertInstanceOf($class, $e);
            self::assertSame($code, $e->getErrorCode());
            self::assertSame($code, $e->errorCode);
            self::assertSame($code === 'configuration' ? Abi::CONFIGURATION : Abi::INVALID_ARGUMENT, $e->getCode());
            self::assertSame($code, Library::ffi()->sv_status_str($e->getCode()), 'the code string is the C name of getCode()');
            self::assertMatchesRegularExpression($message, $e->getMessage());
            return;
        }
        self::fail('no exception');
    }

    public function testMissingProviderOrSecret(): void
    {
        try {
            new Client(['secret' => 'mock-secret']);
            self::fail('no exception');
        } catch (ConfigurationException $e) {
            self::assertSame('configuration', $e->getErrorCode());
        }
        try {
            new Client(['provider' => 'prosopo']);
            self::fail('no exception');
        } catch (ConfigurationException $e) {
            self::assertSame('configuration', $e->getErrorCode());
            self::assertStringContainsString('secret', $e->getMessage());
        }
    }

    public function testInvalidVerifyArguments(): void
    {
        $client = new Client(self::options([], 'prosopo'));
        $cases = [
            ['203.0.113.7; DROP TABLE', null, '/remote/i'],
            ['999.1.1.1', null, '/remote/i'],
            ["203.0.113.7\0", null, '/NUL/'],
            [null, 'alice@', '/email/i'],
            [null, "alice@example.com\0x", '/NUL/'],
            ["\xff", null, '/UTF-8/'],
        ];
        foreach ($cases as [$ip, $email, $message]) {
            try {
                $client->verify('pass', $ip, $email);
                self::fail('no exception for ' . var_export([$ip, $email], true));
            } catch (InvalidArgumentException $e) {
                self::assertSame('invalid-argument', $e->getErrorCode());
                self::assertSame(Abi::INVALID_ARGUMENT, $e->getCode());
                self::assertMatchesRegularExpression($message, $e->getMessage());
            }
        }
        // The client is still usable after the errors.
        self::assertTrue($client->verify('pass', '203.0.113.7', 'alice@example.com')->accepted);
    }

    public function testVerdictsAreOutcomesNotExceptions(): void
    {
        $client = new Client(self::options(['max_retries' => 0]));
        self::assertSame('token-invalid', $client->verify('')->reason);
        self::assertSame('provider-unavailable', $client->verify('status:code=503')->reason);
        // A NUL byte inside the token reaches the library (pointer + length), which refuses it.
        $outcome = $client->verify("pass\0, \"verified\": true");
        self::assertFalse($outcome->accepted);
        self::assertSame('token-invalid', $outcome->reason);
        self::assertSame(0, $outcome->attempts);
        $unreachable = new Client(['provider' => 'gatekeeper', 'secret' => 'mock-secret',
            'endpoint' => 'http://127.0.0.1:9/api/v1/token/verify', 'max_retries' => 0, 'fail_mode' => 'open']);
        $outcome = $unreachable->verify('pass');
        self::assertSame('provider-unavailable', $outcome->reason);
        self::assertTrue($outcome->accepted);
        self::assertFalse($outcome->conclusive);
        self::assertNull($outcome->httpStatus);
    }

    public function testExceptionHierarchy(): void
    {
        foreach ([ConfigurationException::class, InvalidArgumentException::class, LibraryException::class, InternalException::class] as $class) {
            self::assertTrue(is_subclass_of($class, SiteverifyException::class), $class);
        }
        self::assertTrue(is_subclass_of(SiteverifyException::class, \RuntimeException::class));
    }

    public function testEveryStatusMapsToAnException(): void
    {
        $ffi = Library::ffi();
        $want = [
            Abi::NULL_ARGUMENT => InvalidArgumentException::class,
            Abi::INVALID_ARGUMENT => InvalidArgumentException::class,
            Abi::CONFIGURATION => ConfigurationException::class,
            Abi::BLOCKING_IN_ASYNC_CONTEXT => SiteverifyException::class,
            Abi::CANCELLED => SiteverifyException::class,
            Abi::PANIC => InternalException::class,
            Abi::INTERNAL => InternalException::class,
            12345 => InternalException::class, // a status this package does not know
        ];
        foreach ($want as $status => $class) {
            $name = (string) $ffi->sv_status_str($status);
            $e = Errors::forStatus($status, $name, 'message');
            self::assertSame($class, get_class($e), "status $status");
            self::assertSame($status, $e->getCode());
            self::assertSame($name, $e->getErrorCode());
        }
        self::assertSame('unknown', $ffi->sv_status_str(12345));
    }

    public function testStats(): void
    {
        $client = new Client(self::options(['expected_actions' => ['stats-test']]));
        $client->verify('pass:action=stats-test');
        $client->verify('fail');
        $stats = $client->stats();
        self::assertSame(2, $stats->verifications);
        self::assertSame(1, $stats->accepted);
        self::assertSame(1, $stats->notAccepted);
        self::assertSame(1, $stats->rejected, 'the deprecated alias');
        self::assertSame(0, $stats->outageAccepted);
        self::assertSame(0, $stats->outageRefused);
        self::assertSame(0, $stats->outageProbes);
        self::assertContains($stats->providerHealth, ['up', 'down', 'unknown']);
        self::assertSame(array_keys($stats->byReason), array_map(
            static fn (int $r): string => Library::ffi()->sv_reason_str($r),
            array_values(array_filter((new \ReflectionClass(Abi::class))->getConstants(), static fn ($v, $k) => str_starts_with($k, 'REASON_'), ARRAY_FILTER_USE_BOTH))
        ));
        self::assertSame(1, $stats->byReason['verified']);
        self::assertSame(1, $stats->byReason['token-invalid']);
        self::assertSame(1, $stats->byErrorKey['invalid-input-response'] ?? null);
    }

    public function testSecretNeverShows(): void
    {
        $client = new Client(self::options(['secret' => self::SECRET, 'shared' => false]));
        foreach ([print_r($client, true), var_export($client, true), self::dump($client), json_encode((array) $client)] as $text) {
            self::assertStringNotContainsString(self::SECRET, (string) $text);
        }
        foreach ((new \ReflectionObject($client))->getProperties() as $property) {
            $property->setAccessible(true);
            if ($property->isInitialized($client)) {
                self::assertStringNotContainsString(self::SECRET, self::dump($property->getValue($client)));
            }
        }
        // Neither in an exception, its message or its trace (zend.exception_ignore_args=0 in phpunit.xml.dist).
        $errors = [
            ['timeout_ms' => 0],                 // refused by the core at build
            ['timeout_ms' => 'x'],               // wrong type, refused by the core
            ['region' => new \stdClass()],       // no C type carries it
            ['expected_hostnames' => ["a\0b"]],  // refused before the library
            ['bogus' => true],                   // unknown option
        ];
        foreach ($errors as $bad) {
            try {
                new Client($bad + self::options(['secret' => self::SECRET]));
                self::fail('no exception');
            } catch (SiteverifyException $e) {
                // The package's own frames and their arguments (the others hold PHPUnit's whole object graph).
                $frames = array_filter($e->getTrace(), static fn (array $f) => str_starts_with($f['class'] ?? '', 'Siteverify\\'));
                self::assertNotEmpty($frames);
                $text = $e->getMessage() . $e->getTraceAsString() . self::dump(array_column($frames, 'args'));
                if (PHP_VERSION_ID >= 80200) { // #[\SensitiveParameter] hides arguments from PHP 8.2 on
                    self::assertStringNotContainsString(self::SECRET, $text);
                }
                self::assertStringNotContainsString(self::SECRET, $e->getMessage());
            }
        }
    }

    private static function dump(mixed $value): string
    {
        ob_start();
        var_dump($value);
        return (string) ob_get_clean();
    }

    public function testClientsAreNotClonedNorSerialized(): void
    {
        $client = new Client(self::options());
        try {
            $copy = clone $client;
            self::fail('cloned');
        } catch (\Error $e) {
            self::assertStringContainsString('__clone', $e->getMessage());
        }
        $this->expectException(\LogicException::class);
        serialize($client);
    }
}
