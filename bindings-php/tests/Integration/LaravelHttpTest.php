<?php

declare(strict_types=1);

namespace Siteverify\Tests\Integration;

use Illuminate\Http\Request;
use PHPUnit\Framework\TestCase;
use Siteverify\Tests\Integration\Support\LaravelApp;
use Siteverify\Tests\Integration\Support\Provider;

/** The rule inside a Laravel application: the HTTP kernel, `$request->validate()`, the exception Handler. */
final class LaravelHttpTest extends TestCase
{
    private LaravelApp $app;

    protected function setUp(): void
    {
        $this->app = new LaravelApp(Provider::options('gatekeeper'));
    }

    protected function tearDown(): void
    {
        $this->app->close();
    }

    /** @param array<string, string> $server */
    private static function form(string $token, array $server = []): Request
    {
        return Request::create('/contact', 'POST', ['captchaToken' => $token, 'message' => 'hi'], [], [], $server + ['HTTP_ACCEPT' => 'application/json']);
    }

    private static function json(string $token): Request
    {
        $server = ['CONTENT_TYPE' => 'application/json', 'HTTP_ACCEPT' => 'application/json'];
        return Request::create('/contact', 'POST', [], [], [], $server, json_encode(['captchaToken' => $token, 'message' => 'hi']));
    }

    /** @return iterable<string, array{string, int}> */
    public static function tokens(): iterable
    {
        yield 'accepted' => ['pass', 200];
        yield 'rejected: a form error' => ['fail', 422];
        yield 'inconclusive: 503' => ['status:code=503', 503];
    }

    /** @dataProvider tokens */
    public function testFormAndJsonBodies(string $token, int $status): void
    {
        foreach (['form' => self::form($token), 'json' => self::json($token)] as $kind => $request) {
            $response = $this->app->handle($request);
            self::assertSame($status, $response->getStatusCode(), "$kind: " . $response->getContent());
            $body = json_decode((string) $response->getContent(), true);
            match ($status) {
                200 => self::assertSame(['verified', 'hi'], [$body['reason'], $body['message']], $kind),
                422 => self::assertSame(['The CAPTCHA verification failed; please try again.'], $body['errors']['captchaToken'], $kind),
                503 => self::assertStringContainsString('unavailable', $body['message'], $kind),
            };
        }
    }

    public function testClientIp(): void
    {
        $ip = function (array $server): string {
            $response = $this->app->handle(self::form('echo', $server));
            self::assertSame(200, $response->getStatusCode(), (string) $response->getContent());
            preg_match('/^ip=(\S*) /', (string) json_decode((string) $response->getContent(), true)['action'], $m);
            return $m[1] ?? 'unparsed';
        };
        self::assertSame('203.0.113.7', $ip(['REMOTE_ADDR' => '203.0.113.7', 'HTTP_X_FORWARDED_FOR' => '198.51.100.1']));
        self::assertSame(Provider::NO_IP, $ip(['REMOTE_ADDR' => 'testclient']));
    }
}
