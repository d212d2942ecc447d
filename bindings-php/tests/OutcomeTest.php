<?php

declare(strict_types=1);

namespace Siteverify\Tests;

use FFI;
use PHPUnit\Framework\TestCase;
use Siteverify\Client;
use Siteverify\Library;
use Siteverify\Outcome;
use Siteverify\Tests\Support\Mock;

/**
 * The binding translates, it never decides: Outcome::toArray() equals the
 * core's own serialisation (sv_outcome_to_json) of the same native outcome.
 */
final class OutcomeTest extends TestCase
{
    /** @return iterable<string, array{string, string, array<string, mixed>}> */
    public static function tokens(): iterable
    {
        yield 'gatekeeper pass' => ['gatekeeper', 'pass:score=0.25:action=signup', []];
        yield 'gatekeeper fail' => ['gatekeeper', 'fail', []];
        yield 'gatekeeper 500' => ['gatekeeper', 'status:code=500', ['max_retries' => 0]];
        yield 'gatekeeper hostname mismatch' => ['gatekeeper', 'pass:hostname=evil.net', ['expected_hostnames' => ['example.com']]];
        yield 'prosopo pass with reason' => ['prosopo', 'pass:score=0.1:reason=optional', []];
        yield 'prosopo fail-open' => ['prosopo', 'fail-open', []];
        yield 'prosopo error key' => ['prosopo', 'error:key=API.INVALID_BODY', []];
        yield 'prosopo wrong shape' => ['prosopo', 'wrong-shape', ['fail_mode' => 'open']];
        yield 'empty token' => ['prosopo', '', []];
    }

    /**
     * @dataProvider tokens
     * @param array<string, mixed> $config
     */
    public function testToArrayEqualsTheCoreJson(string $provider, string $token, array $config): void
    {
        $ffi = Library::ffi();
        $builder = $ffi->new('sv_client_builder*');
        $client = $ffi->new('const sv_client*');
        $outcome = $ffi->new('sv_outcome*');
        self::assertSame(0, $ffi->sv_client_builder_new($provider === 'prosopo' ? 1 : 2, FFI::addr($builder)));
        try {
            $ffi->sv_client_builder_set_secret($builder, 'mock-secret');
            $ffi->sv_client_builder_set_endpoint($builder, Mock::endpoint($provider));
            if (isset($config['max_retries'])) {
                $ffi->sv_client_builder_set_max_retries($builder, $config['max_retries']);
            }
            foreach ($config['expected_hostnames'] ?? [] as $hostname) {
                $ffi->sv_client_builder_add_expected_hostname($builder, $hostname);
            }
            if (isset($config['fail_mode'])) {
                $ffi->sv_client_builder_set_fail_mode($builder, 1);
            }
            self::assertSame(0, $ffi->sv_client_builder_build($builder, FFI::addr($client), null));
            self::assertSame(0, $ffi->sv_client_verify($client, $token, strlen($token), null, FFI::addr($outcome), null));
            $core = json_decode((string) $ffi->sv_outcome_to_json($outcome), true, 8, JSON_THROW_ON_ERROR);
            $php = Outcome::fromNative($ffi, $outcome)->toArray();
        } finally {
            $ffi->sv_outcome_free($outcome);
            $ffi->sv_client_free($client);
            $ffi->sv_client_builder_free($builder);
        }
        self::assertSame(array_keys($core), array_keys($php), 'same fields, same order');
        foreach ($core as $field => $value) {
            if ($field === 'score' && $value !== null) {
                self::assertEqualsWithDelta($value, $php[$field], 1e-12);
            } else {
                self::assertSame($value, $php[$field], $field);
            }
        }
        // And the public API gives the same (apart from the timestamps of a new answer).
        $public = (new Client(['provider' => $provider, 'secret' => 'mock-secret', 'endpoint' => Mock::endpoint($provider)] + $config))
            ->verify($token)->toArray();
        unset($public['timestamp'], $public['challenge_ts'], $php['timestamp'], $php['challenge_ts']);
        self::assertEquals($php, $public);
    }
}
