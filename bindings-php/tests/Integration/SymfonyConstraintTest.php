<?php

declare(strict_types=1);

namespace Siteverify\Tests\Integration;

use PHPUnit\Framework\TestCase;
use Siteverify\Integration\Symfony\Siteverify;
use Siteverify\Integration\UnavailableHttpException;
use Siteverify\Outcome;
use Siteverify\Tests\Integration\Support\ContactForm;
use Siteverify\Tests\Integration\Support\Provider;
use Siteverify\Tests\Integration\Support\SymfonyApp;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\Validator\Constraints\NotBlank;
use Symfony\Component\Validator\Exception\UnexpectedTypeException;

/** The Symfony constraint with the Validator component, and inside an HttpKernel application. */
final class SymfonyConstraintTest extends TestCase
{
    protected function tearDown(): void
    {
        Request::setTrustedProxies([], Request::HEADER_X_FORWARDED_FOR);
    }

    public function testValidatorComponent(): void
    {
        $app = new SymfonyApp(Provider::client('prosopo'));
        self::assertCount(0, $app->validator->validate('pass', new Siteverify()));
        self::assertTrue($app->siteverify->lastOutcome()?->accepted);

        foreach (['fail', 'expired', '', null, ['pass']] as $token) {
            $violations = $app->validator->validate($token, new Siteverify(message: 'Solve the CAPTCHA again.'));
            self::assertCount(1, $violations, var_export($token, true));
            self::assertSame('Solve the CAPTCHA again.', $violations[0]->getMessage());
            self::assertSame(Siteverify::REJECTED_ERROR, $violations[0]->getCode());
            self::assertSame('REJECTED_ERROR', Siteverify::getErrorName(Siteverify::REJECTED_ERROR));
            self::assertInstanceOf(Outcome::class, $violations[0]->getCause());
            self::assertFalse($violations[0]->getCause()->accepted);
        }
    }

    public function testInconclusiveThrowsA503(): void
    {
        $app = new SymfonyApp(Provider::client('prosopo'));
        try {
            $app->validator->validate('status:code=503', new Siteverify());
            self::fail('no exception');
        } catch (UnavailableHttpException $e) {
            self::assertSame(503, $e->getStatusCode());
            self::assertFalse($e->outcome->conclusive);
        }
    }

    public function testAttributeOnAModel(): void
    {
        $app = new SymfonyApp(Provider::client('gatekeeper'));
        $form = new ContactForm();
        $form->captchaToken = 'fail';
        $violations = $app->validator->validate($form);
        self::assertCount(1, $violations);
        self::assertSame('captchaToken', $violations[0]->getPropertyPath());
        $form->captchaToken = 'pass';
        self::assertCount(0, $app->validator->validate($form));
    }

    public function testWrongConstraintIsRefused(): void
    {
        $app = new SymfonyApp(Provider::client('gatekeeper'));
        $this->expectException(UnexpectedTypeException::class);
        $app->siteverify->validate('pass', new NotBlank());
    }

    /** @return iterable<string, array{string, int}> */
    public static function tokens(): iterable
    {
        yield 'accepted' => ['pass', 200];
        yield 'rejected' => ['fail', 422];
        yield 'inconclusive' => ['status:code=503', 503];
    }

    /** @dataProvider tokens */
    public function testHttpKernelFormAndJson(string $token, int $status): void
    {
        $app = new SymfonyApp(Provider::client('gatekeeper'));
        $requests = [
            'form' => Request::create('/contact', 'POST', ['captchaToken' => $token, 'message' => 'hi']),
            'json' => Request::create('/contact', 'POST', [], [], [], ['CONTENT_TYPE' => 'application/json'], json_encode(['captchaToken' => $token, 'message' => 'hi'])),
        ];
        foreach ($requests as $kind => $request) {
            $response = $app->handle($request);
            self::assertSame($status, $response->getStatusCode(), "$kind: " . $response->getContent());
            $body = json_decode((string) $response->getContent(), true);
            match ($status) {
                200 => self::assertSame(['verified', 'hi'], [$body['reason'], $body['message']], $kind),
                422 => self::assertSame(Siteverify::REJECTED_ERROR, $body['errors']['captchaToken'][1], $kind),
                503 => self::assertStringContainsString('unavailable', $body['error'], $kind),
            };
        }
    }

    private static function ipSent(SymfonyApp $app, Request $request): string
    {
        $request->request->set('captchaToken', 'echo');
        $response = $app->handle($request);
        self::assertSame(200, $response->getStatusCode(), (string) $response->getContent());
        self::assertInstanceOf(Outcome::class, $request->attributes->get('siteverify.outcome'));
        $action = (string) json_decode((string) $response->getContent(), true)['action'];
        self::assertMatchesRegularExpression('/^ip=(\S*) /', $action);
        preg_match('/^ip=(\S*) /', $action, $m);
        return $m[1];
    }

    public function testClientIp(): void
    {
        $app = new SymfonyApp(Provider::client('gatekeeper'));
        $post = static fn (array $server): Request => Request::create('/contact', 'POST', [], [], [], $server);
        self::assertSame('203.0.113.7', self::ipSent($app, $post(['REMOTE_ADDR' => '203.0.113.7'])));
        self::assertSame('203.0.113.7', self::ipSent($app, $post(['REMOTE_ADDR' => '203.0.113.7', 'HTTP_X_FORWARDED_FOR' => '198.51.100.1'])), 'no proxy trusted by default');
        self::assertSame(Provider::NO_IP, self::ipSent($app, $post(['REMOTE_ADDR' => 'testclient'])));
        self::assertSame(Provider::NO_IP, self::ipSent($app, $post(['REMOTE_ADDR' => ''])));
        Request::setTrustedProxies(['10.0.0.2'], Request::HEADER_X_FORWARDED_FOR);
        self::assertSame('198.51.100.1', self::ipSent($app, $post(['REMOTE_ADDR' => '10.0.0.2', 'HTTP_X_FORWARDED_FOR' => '198.51.100.1'])));
    }

    public function testNoRequestSendsNoIp(): void
    {
        $app = new SymfonyApp(Provider::client('gatekeeper'));
        self::assertCount(0, $app->validator->validate('echo', new Siteverify()));
        self::assertStringStartsWith('ip=' . Provider::NO_IP . ' ', (string) $app->siteverify->lastOutcome()?->action);
    }
}
