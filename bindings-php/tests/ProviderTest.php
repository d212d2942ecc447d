<?php

declare(strict_types=1);

namespace Siteverify\Tests;

use PHPUnit\Framework\TestCase;
use Siteverify\Client;
use Siteverify\Exception\ConfigurationException;
use Siteverify\Integration\TokenField;
use Siteverify\Provider;
use Siteverify\Testing\MockProvider;
use Siteverify\Tests\Support\Mock;

/** Siteverify\Provider: the core's names, each one served by the mock and verified through the core. */
final class ProviderTest extends TestCase
{
    /** The constants are the names the core lists when it refuses an unknown one, in its order. */
    public function testTheConstantsAreTheCoresNames(): void
    {
        try {
            new Client(['provider' => 'no-such-provider', 'secret' => 'mock-secret']);
            self::fail('an unknown provider was accepted');
        } catch (ConfigurationException $e) {
            self::assertSame(1, preg_match('/expected one of (.*)$/', $e->getMessage(), $m), $e->getMessage());
            preg_match_all('/"([a-z-]+)"/', $m[1], $names);
            self::assertSame(Provider::ALL, $names[1]);
        }
        $constants = (new \ReflectionClass(Provider::class))->getConstants();
        unset($constants['ALL']);
        self::assertSame(Provider::ALL, array_values($constants));
    }

    public function testEveryProviderHasATokenField(): void
    {
        self::assertSame(Provider::ALL, array_keys(TokenField::BY_PROVIDER));
    }

    /** @return iterable<string, array{string, array<string, mixed>}> */
    public static function providers(): iterable
    {
        $own = [
            Provider::HCAPTCHA => ['site_key' => MockProvider::SITE_KEY],
            Provider::RECAPTCHA_ENTERPRISE => ['site_key' => MockProvider::SITE_KEY, 'project_id' => MockProvider::PROJECT_ID],
            Provider::FRIENDLY => ['site_key' => MockProvider::SITE_KEY],
        ];
        foreach (Provider::ALL as $provider) {
            yield $provider => [$provider, $own[$provider] ?? []];
        }
    }

    /**
     * @dataProvider providers
     * @param array<string, mixed> $own
     */
    public function testEachVerifiesAgainstTheMock(string $provider, array $own): void
    {
        $mock = Mock::provider();
        $client = new Client($mock->clientOptions($provider, $own + ['max_retries' => 0]));
        self::assertSame($provider, $client->provider());
        self::assertSame($mock->endpoint($provider), $client->endpoint());
        $outcome = $client->verify('pass');
        self::assertTrue($outcome->accepted, json_encode($outcome->toArray()) ?: '');
        self::assertSame('verified', $outcome->reason);
        $fail = $client->verify('fail');
        self::assertFalse($fail->accepted);
        self::assertTrue($fail->conclusive, json_encode($fail->toArray()) ?: '');
    }

    public function testAWrongSiteKeyReachesTheProvider(): void
    {
        $mock = Mock::provider();
        $client = new Client($mock->clientOptions(Provider::FRIENDLY, ['site_key' => 'another-site-key', 'max_retries' => 0]));
        self::assertFalse($client->verify('pass')->accepted);
    }

    public function testEnterpriseNeedsItsKeys(): void
    {
        $this->expectException(ConfigurationException::class);
        new Client(Mock::provider()->clientOptions(Provider::RECAPTCHA_ENTERPRISE));
    }
}
