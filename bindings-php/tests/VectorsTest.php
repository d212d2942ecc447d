<?php

declare(strict_types=1);

namespace Siteverify\Tests;

use PHPUnit\Framework\TestCase;
use Siteverify\Client;
use Siteverify\Exception\SiteverifyException;
use Siteverify\Tests\Support\Mock;

/**
 * Every case of tests/vectors/*.json (the shared cross-language vectors; see
 * tests/vectors/README.md) against the mock provider, through the PHP API.
 */
final class VectorsTest extends TestCase
{
    private static int $uniq = 0;

    public static function vectorsDir(): string
    {
        return dirname(__DIR__, 2) . '/tests/vectors';
    }

    /** @return iterable<string, array{array<string, mixed>}> */
    public static function cases(): iterable
    {
        $files = glob(self::vectorsDir() . '/*.json') ?: [];
        sort($files);
        foreach ($files as $file) {
            $doc = json_decode((string) file_get_contents($file), true, 64, JSON_THROW_ON_ERROR);
            foreach ($doc['cases'] as $case) {
                yield basename($file, '.json') . '/' . $case['name'] => [$case];
            }
        }
    }

    public function testEveryVectorFileIsRun(): void
    {
        $count = iterator_count(self::cases());
        self::assertGreaterThan(90, $count, 'vector cases missing');
    }

    /**
     * @dataProvider cases
     * @param array<string, mixed> $case
     */
    public function testVector(array $case): void
    {
        $provider = $case['provider'];
        $options = ['provider' => $provider] + ($case['config'] ?? []);
        $options['secret'] ??= 'mock-secret';
        if (isset($options['endpoint'])) {
            $options['endpoint'] = str_replace('{mock}', Mock::url(), $options['endpoint']);
        } elseif (!isset($options['region'])) {
            $options['endpoint'] = Mock::endpoint($provider);
        }

        if (array_key_exists('expect_config_error', $case)) {
            $want = $case['expect_config_error'];
            try {
                $client = new Client($options);
            } catch (SiteverifyException $e) {
                self::assertNotNull($want, "building failed: {$e->getErrorCode()}: {$e->getMessage()}");
                self::assertSame($want, $e->getErrorCode(), $e->getMessage());
                return;
            }
            self::assertNull($want, "building should have failed with $want");
            self::assertNotSame('', $client->endpoint());
            return;
        }

        $client = new Client($options);
        $token = $case['token'];
        if (is_array($token)) {
            $token = str_repeat($token['repeat'], $token['count']);
        } else {
            $token = str_replace('{uniq}', sprintf('php-%d-%d', getmypid(), ++self::$uniq), $token);
        }
        $remoteIp = $case['options']['remote_ip'] ?? null;
        $email = $case['options']['email'] ?? null;
        for ($i = 0; $i < ($case['prior_verifications'] ?? 0); $i++) {
            $client->verify($token, $remoteIp, $email);
        }

        if (isset($case['expect_error'])) {
            try {
                $client->verify($token, $remoteIp, $email);
            } catch (SiteverifyException $e) {
                self::assertSame($case['expect_error'], $e->getErrorCode(), $e->getMessage());
                return;
            }
            self::fail("verify should have failed with {$case['expect_error']}");
        }

        $outcome = $client->verify($token, $remoteIp, $email);
        $have = $outcome->toArray();
        $json = json_encode($have);
        foreach ($case['expect'] as $field => $want) {
            self::assertArrayHasKey($field, $have, "unknown outcome field $field");
            if ($field === 'score' && $want !== null) {
                self::assertIsFloat($have['score'], "score; outcome $json");
                self::assertEqualsWithDelta($want, $have['score'], 1e-9, "score; outcome $json");
            } else {
                self::assertSame($want, $have[$field], "field $field; outcome $json");
            }
        }
        // The camelCase properties are the same values.
        self::assertSame($have['fail_open_suspected'], $outcome->failOpenSuspected);
        self::assertSame($have['http_status'], $outcome->httpStatus);
    }
}
