<?php

declare(strict_types=1);

namespace Siteverify\Tests\Integration;

use GuzzleHttp\Psr7\HttpFactory;
use GuzzleHttp\Psr7\ServerRequest as GuzzleServerRequest;
use Nyholm\Psr7\Factory\Psr17Factory;
use Nyholm\Psr7\ServerRequest;
use PHPUnit\Framework\TestCase;
use Psr\Http\Message\ResponseInterface;
use Psr\Http\Message\ServerRequestInterface;
use Siteverify\Integration\Psr15\SiteverifyMiddleware;
use Siteverify\Integration\TokenField;
use Siteverify\Outcome;
use Siteverify\Tests\Integration\Support\Handler;
use Siteverify\Tests\Integration\Support\Provider;

final class Psr15MiddlewareTest extends TestCase
{
    private static function middleware(string $provider = 'gatekeeper', ?string $field = null, ?string $proxyHeader = null, ?callable $onFailure = null): SiteverifyMiddleware
    {
        return new SiteverifyMiddleware(Provider::client($provider), new Psr17Factory(), $field, $proxyHeader, onFailure: $onFailure);
    }

    /** @param array<string, mixed> $server */
    private static function form(array $fields, array $server = ['REMOTE_ADDR' => '127.0.0.1']): ServerRequestInterface
    {
        return (new ServerRequest('POST', '/contact', ['Content-Type' => 'application/x-www-form-urlencoded'], http_build_query($fields), '1.1', $server))
            ->withParsedBody($fields);
    }

    private static function json(string $body, string $type = 'application/json'): ServerRequestInterface
    {
        return new ServerRequest('POST', '/api/contact', ['Content-Type' => $type], $body, '1.1', ['REMOTE_ADDR' => '127.0.0.1']);
    }

    /** @return array{ResponseInterface, Handler} */
    private static function through(SiteverifyMiddleware $middleware, ServerRequestInterface $request): array
    {
        $handler = new Handler();
        return [$middleware->process($request, $handler), $handler];
    }

    /** What the mock's `echo` scenario received as the remote IP ('' for none). */
    private static function ipSent(Outcome $outcome): string
    {
        self::assertMatchesRegularExpression('/^ip=(\S*) /', (string) $outcome->action);
        preg_match('/^ip=(\S*) /', (string) $outcome->action, $m);
        return $m[1];
    }

    public function testAcceptedFormReachesTheHandlerWithTheOutcome(): void
    {
        [$response, $handler] = self::through(self::middleware(), self::form(['captchaToken' => 'pass', 'message' => 'hi']));
        self::assertSame(200, $response->getStatusCode());
        $outcome = $handler->request?->getAttribute(SiteverifyMiddleware::ATTRIBUTE);
        self::assertInstanceOf(Outcome::class, $outcome);
        self::assertTrue($outcome->accepted);
        self::assertSame('hi', $handler->request->getParsedBody()['message']);
    }

    /** @return iterable<string, array{string, int}> */
    public static function verdicts(): iterable
    {
        yield 'rejected' => ['fail', 403];
        yield 'expired' => ['expired', 403];
        yield 'provider down (fail-closed)' => ['status:code=503', 503];
        yield 'provider answers garbage' => ['malformed', 503];
    }

    /** @dataProvider verdicts */
    public function testNotAcceptedIs403WhenConclusiveAnd503WhenNot(string $token, int $status): void
    {
        foreach ([self::form(['captchaToken' => $token]), self::json(json_encode(['captchaToken' => $token]))] as $request) {
            [$response, $handler] = self::through(self::middleware(), $request);
            self::assertSame($status, $response->getStatusCode(), (string) $response->getBody());
            self::assertNull($handler->request, 'the handler must not run');
            self::assertStringStartsWith('text/plain', $response->getHeaderLine('Content-Type'));
        }
    }

    public function testMissingOrNonStringTokenIsRejectedLocally(): void
    {
        foreach ([[], ['captchaToken' => ['pass']], ['captchaToken' => '']] as $fields) {
            [$response] = self::through(self::middleware(), self::form($fields));
            self::assertSame(403, $response->getStatusCode());
        }
        [$response] = self::through(self::middleware(), self::json('{"captchaToken": 1}'));
        self::assertSame(403, $response->getStatusCode());
        [$response] = self::through(self::middleware(), self::json('{not json'));
        self::assertSame(403, $response->getStatusCode());
    }

    public function testJsonBodyIsReadAndLeftReadableForTheHandler(): void
    {
        $body = '{"captchaToken":"pass","message":"hello"}';
        foreach (['application/json', 'application/json; charset=utf-8', 'application/vnd.api+json'] as $type) {
            [$response, $handler] = self::through(self::middleware(), self::json($body, $type));
            self::assertSame(200, $response->getStatusCode(), $type);
            self::assertSame($body, $handler->request?->getBody()->getContents());
        }
        // Not JSON by its content type: the body is not parsed.
        [$response] = self::through(self::middleware(), self::json($body, 'text/plain'));
        self::assertSame(403, $response->getStatusCode());
    }

    public function testParsedBodyAsAnObject(): void
    {
        $request = self::json('')->withParsedBody((object) ['captchaToken' => 'pass']);
        [$response] = self::through(self::middleware(), $request);
        self::assertSame(200, $response->getStatusCode());
    }

    public function testFieldFollowsTheProviderOrTheConfiguration(): void
    {
        self::assertSame('procaptcha-response', self::middleware('prosopo')->field());
        self::assertSame('captchaToken', self::middleware('gatekeeper')->field());
        [$response] = self::through(self::middleware('prosopo'), self::form(['procaptcha-response' => 'pass']));
        self::assertSame(200, $response->getStatusCode());
        [$response] = self::through(self::middleware('prosopo'), self::form(['captchaToken' => 'pass']));
        self::assertSame(403, $response->getStatusCode());
        [$response] = self::through(self::middleware('gatekeeper', 'my-captcha'), self::json('{"my-captcha":"pass"}'));
        self::assertSame(200, $response->getStatusCode());
    }

    public function testTokenFieldNames(): void
    {
        $expected = [
            'prosopo' => 'procaptcha-response', 'gatekeeper' => 'captchaToken', 'turnstile' => 'cf-turnstile-response',
            'hcaptcha' => 'h-captcha-response', 'recaptcha' => 'g-recaptcha-response', 'recaptcha-enterprise' => 'g-recaptcha-response',
            'friendly' => 'frc-captcha-response', 'yandex' => 'smart-token',
        ];
        foreach ($expected as $provider => $field) {
            self::assertSame($field, TokenField::forProvider($provider));
        }
        $this->expectException(\InvalidArgumentException::class);
        TokenField::forProvider('nope');
    }

    public function testClientIpComesFromTheConnection(): void
    {
        $middleware = self::middleware();
        [, $handler] = self::through($middleware, self::form(['captchaToken' => 'echo'], ['REMOTE_ADDR' => '203.0.113.7']));
        self::assertSame('203.0.113.7', self::ipSent($handler->request?->getAttribute('siteverify.outcome')));
        [, $handler] = self::through($middleware, self::form(['captchaToken' => 'echo'], ['REMOTE_ADDR' => '2001:db8::1']));
        self::assertSame('2001:db8::1', self::ipSent($handler->request?->getAttribute('siteverify.outcome')));
        // A proxy header is ignored unless configured.
        $request = self::form(['captchaToken' => 'echo'], ['REMOTE_ADDR' => '203.0.113.7'])->withHeader('X-Forwarded-For', '198.51.100.1');
        [, $handler] = self::through($middleware, $request);
        self::assertSame('203.0.113.7', self::ipSent($handler->request?->getAttribute('siteverify.outcome')));
    }

    /** @return iterable<string, array{array<string, mixed>}> */
    public static function peersThatAreNotIps(): iterable
    {
        yield 'a test client' => [['REMOTE_ADDR' => 'testclient']];
        yield 'a unix socket' => [['REMOTE_ADDR' => 'unix:/run/php/app.sock']];
        yield 'empty' => [['REMOTE_ADDR' => '']];
        yield 'absent' => [[]];
    }

    /**
     * @dataProvider peersThatAreNotIps
     * @param array<string, mixed> $server
     */
    public function testAPeerThatIsNotAnIpSendsNoIp(array $server): void
    {
        [$response, $handler] = self::through(self::middleware(), self::form(['captchaToken' => 'echo'], $server));
        self::assertSame(200, $response->getStatusCode());
        self::assertSame(Provider::NO_IP, self::ipSent($handler->request?->getAttribute('siteverify.outcome')));
    }

    public function testTrustedProxyHeaderIsExplicit(): void
    {
        $middleware = self::middleware(proxyHeader: 'X-Forwarded-For');
        $request = self::form(['captchaToken' => 'echo'], ['REMOTE_ADDR' => '10.0.0.2'])
            ->withHeader('X-Forwarded-For', '198.51.100.1, 203.0.113.9');
        [, $handler] = self::through($middleware, $request);
        self::assertSame('203.0.113.9', self::ipSent($handler->request?->getAttribute('siteverify.outcome')), 'the last hop, written by the trusted proxy');
        // Configured but absent, or not an IP: no IP (not the proxy's own address).
        [, $handler] = self::through($middleware, self::form(['captchaToken' => 'echo'], ['REMOTE_ADDR' => '10.0.0.2']));
        self::assertSame(Provider::NO_IP, self::ipSent($handler->request?->getAttribute('siteverify.outcome')));
        [, $handler] = self::through($middleware, self::form(['captchaToken' => 'echo'])->withHeader('X-Forwarded-For', 'unknown'));
        self::assertSame(Provider::NO_IP, self::ipSent($handler->request?->getAttribute('siteverify.outcome')));
    }

    public function testOnFailureRendersTheAnswer(): void
    {
        $seen = null;
        $middleware = self::middleware(onFailure: static function (ServerRequestInterface $request, Outcome $outcome) use (&$seen): ResponseInterface {
            $seen = $request->getAttribute('siteverify.outcome');
            return (new Psr17Factory())->createResponse($outcome->conclusive ? 422 : 502);
        });
        [$response] = self::through($middleware, self::form(['captchaToken' => 'fail']));
        self::assertSame(422, $response->getStatusCode());
        self::assertInstanceOf(Outcome::class, $seen);
        self::assertFalse($seen->accepted);
        [$response] = self::through($middleware, self::form(['captchaToken' => 'status:code=503']));
        self::assertSame(502, $response->getStatusCode());
    }

    public function testWithGuzzlePsr7(): void
    {
        $middleware = new SiteverifyMiddleware(Provider::client('prosopo'), new HttpFactory());
        $request = new GuzzleServerRequest('POST', '/', ['Content-Type' => 'application/json'], '{"procaptcha-response":"fail"}', '1.1', ['REMOTE_ADDR' => '127.0.0.1']);
        [$response] = self::through($middleware, $request);
        self::assertSame(403, $response->getStatusCode());
        self::assertSame("CAPTCHA verification failed.\n", (string) $response->getBody());
        $request = (new GuzzleServerRequest('POST', '/', [], null, '1.1', ['REMOTE_ADDR' => '127.0.0.1']))->withParsedBody(['procaptcha-response' => 'pass']);
        [$response] = self::through($middleware, $request);
        self::assertSame(200, $response->getStatusCode());
    }
}
