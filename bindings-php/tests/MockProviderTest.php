<?php

declare(strict_types=1);

namespace Siteverify\Tests;

use PHPUnit\Framework\TestCase;
use Siteverify\Client;
use Siteverify\Exception\InvalidArgumentException;
use Siteverify\Testing\MockProvider;

/** Siteverify\Testing\MockProvider: the in-process mock users' tests start (issue 17). */
final class MockProviderTest extends TestCase
{
    public function testServesBothProvidersAndCountsRequests(): void
    {
        $mock = MockProvider::start();
        self::assertMatchesRegularExpression('~^http://127\.0\.0\.1:\d+$~', $mock->url());
        self::assertSame($mock->url() . '/siteverify', $mock->endpoint('prosopo'));
        self::assertSame($mock->url() . '/api/v1/token/verify', $mock->endpoint('gatekeeper'));
        self::assertNull($mock->caPem());
        self::assertSame('mock-secret', $mock->secret());
        self::assertSame(0, $mock->requests());

        $prosopo = new Client($mock->clientOptions('prosopo', ['shared' => false]));
        self::assertTrue($prosopo->verify('pass')->accepted);
        self::assertSame('token-expired-or-duplicate', $prosopo->verify('expired')->reason);
        $gatekeeper = new Client($mock->clientOptions('gatekeeper', ['shared' => false]));
        self::assertSame('token-invalid', $gatekeeper->verify('fail')->reason);
        self::assertSame(3, $mock->requests());
        $gatekeeper->verify('');
        self::assertSame(3, $mock->requests(), 'an empty token is rejected without a request');
    }

    public function testASecretOfItsOwn(): void
    {
        $mock = new MockProvider('sk_test_other');
        self::assertSame('sk_test_other', $mock->secret());
        self::assertTrue((new Client($mock->clientOptions('gatekeeper')))->verify('pass')->accepted);
        $wrong = new Client(['secret' => 'mock-secret', 'max_retries' => 0] + $mock->clientOptions('gatekeeper'));
        self::assertSame('provider-rejected-request', $wrong->verify('pass')->reason);
    }

    public function testTls(): void
    {
        $mock = MockProvider::start(null, true);
        self::assertStringStartsWith('https://127.0.0.1:', $mock->url());
        self::assertStringContainsString('-----BEGIN CERTIFICATE-----', (string) $mock->caPem());
        $options = $mock->clientOptions('prosopo', ['max_retries' => 0]);
        self::assertSame([$mock->caPem()], $options['ca_pems']);
        self::assertTrue((new Client($options))->verify('pass')->accepted);
        unset($options['ca_pems']);
        self::assertSame('tls-failure', (new Client($options))->verify('pass')->reason, 'not trusted without its CA');
    }

    public function testUnknownProviderAndBadSecret(): void
    {
        $mock = MockProvider::start();
        try {
            $mock->endpoint('no-such-provider');
            self::fail('an endpoint for an unknown provider');
        } catch (InvalidArgumentException $e) {
            self::assertStringContainsString('no-such-provider', $e->getMessage());
        }
        $this->expectException(InvalidArgumentException::class);
        new MockProvider("nul\0secret");
    }

    public function testStopsOnStopAndWhenReleased(): void
    {
        $mock = MockProvider::start();
        $url = $mock->url();
        self::assertTrue(self::listening($url));
        $mock->stop();
        $mock->stop();
        self::assertTrue(self::closesSoon($url), 'stop() closed the port');
        try {
            $mock->requests();
            self::fail('a stopped mock answered');
        } catch (\LogicException) {
        }

        $other = MockProvider::start();
        $url = $other->url();
        self::assertTrue(self::listening($url));
        unset($other);
        self::assertTrue(self::closesSoon($url), 'releasing the object stopped it');
    }

    /** The library shuts the mock's server down in the background: the port closes within moments. */
    private static function closesSoon(string $url): bool
    {
        for ($deadline = microtime(true) + 5; microtime(true) < $deadline; usleep(10_000)) {
            if (!self::listening($url)) {
                return true;
            }
        }
        return false;
    }

    private static function listening(string $url): bool
    {
        $socket = @stream_socket_client('tcp://' . substr($url, strlen('http://')), $errno, $error, 2);
        if ($socket === false) {
            return false;
        }
        fclose($socket);
        return true;
    }
}
