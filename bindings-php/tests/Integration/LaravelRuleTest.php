<?php

declare(strict_types=1);

namespace Siteverify\Tests\Integration;

use Illuminate\Config\Repository;
use Illuminate\Container\Container;
use Illuminate\Http\Request;
use Illuminate\Translation\ArrayLoader;
use Illuminate\Translation\Translator;
use Illuminate\Validation\Factory;
use PHPUnit\Framework\TestCase;
use Siteverify\Client;
use Siteverify\Exception\ConfigurationException;
use Siteverify\Integration\Laravel\SiteverifyRule;
use Siteverify\Integration\Laravel\SiteverifyServiceProvider;
use Siteverify\Integration\UnavailableHttpException;
use Siteverify\Outcome;
use Siteverify\Tests\Integration\Support\Provider;

/** The Laravel rule with the framework's Validator in a minimal container, the service provider registered. */
final class LaravelRuleTest extends TestCase
{
    private Container $app;

    protected function setUp(): void
    {
        $this->app = new Container();
        Container::setInstance($this->app);
        $this->app->instance('config', new Repository(['siteverify' => Provider::options('gatekeeper')]));
        $this->app->singleton('validator', static fn (Container $app): Factory => new Factory(new Translator(new ArrayLoader(), 'en'), $app));
        $provider = new SiteverifyServiceProvider($this->app);
        $provider->register();
        $provider->boot();
    }

    protected function tearDown(): void
    {
        Container::setInstance(null);
        Request::setTrustedProxies([], Request::HEADER_X_FORWARDED_FOR);
    }

    /**
     * @param array<string, mixed> $data
     * @param array<string, mixed> $rules
     */
    private function validator(array $data, array $rules): \Illuminate\Validation\Validator
    {
        return $this->app->make('validator')->make($data, $rules);
    }

    /** @param array<string, mixed> $server */
    private function bindRequest(array $server, array $input = ['captchaToken' => 'echo']): Request
    {
        $request = Request::create('/contact', 'POST', $input, [], [], $server);
        $this->app->instance('request', $request);
        return $request;
    }

    public function testTheProviderBuildsTheClientFromConfig(): void
    {
        $client = $this->app->make(Client::class);
        self::assertSame('gatekeeper', $client->provider());
        self::assertSame(Provider::endpoint('gatekeeper'), $client->endpoint());
        self::assertSame($client, $this->app->make('siteverify'));
    }

    public function testMissingConfigIsAConfigurationError(): void
    {
        $this->app->instance('config', new Repository([]));
        $this->expectException(ConfigurationException::class);
        $this->expectExceptionMessage("config('siteverify')");
        $this->app->make(Client::class);
    }

    public function testAcceptedPasses(): void
    {
        $rule = new SiteverifyRule();
        $validator = $this->validator(['captchaToken' => 'pass'], ['captchaToken' => [$rule]]);
        self::assertTrue($validator->passes());
        self::assertTrue($rule->outcome()?->accepted);
    }

    /** @return iterable<string, array{array<string, mixed>}> */
    public static function rejected(): iterable
    {
        yield 'failed' => [['captchaToken' => 'fail']];
        yield 'expired' => [['captchaToken' => 'expired']];
        yield 'missing (implicit rule)' => [[]];
        yield 'empty' => [['captchaToken' => '']];
        yield 'an array' => [['captchaToken' => ['pass']]];
    }

    /**
     * @dataProvider rejected
     * @param array<string, mixed> $data
     */
    public function testRejectedIsAFormError(array $data): void
    {
        foreach ([[new SiteverifyRule()], 'siteverify'] as $rules) {
            $validator = $this->validator($data, ['captchaToken' => $rules]);
            self::assertTrue($validator->fails());
            self::assertSame(['captchaToken' => ['The CAPTCHA verification failed; please try again.']], $validator->errors()->toArray());
        }
    }

    public function testInconclusiveIsA503(): void
    {
        foreach ([[new SiteverifyRule()], 'siteverify'] as $rules) {
            try {
                $this->validator(['captchaToken' => 'status:code=503'], ['captchaToken' => $rules])->passes();
                self::fail('no exception');
            } catch (UnavailableHttpException $e) {
                self::assertSame(503, $e->getStatusCode());
                self::assertFalse($e->outcome->conclusive);
            }
        }
    }

    public function testCustomMessageAndClient(): void
    {
        $rule = new SiteverifyRule(Provider::client('prosopo'), null, 'Try the CAPTCHA again.');
        $validator = $this->validator(['procaptcha-response' => 'fail'], ['procaptcha-response' => [$rule]]);
        self::assertSame(['Try the CAPTCHA again.'], $validator->errors()->get('procaptcha-response'));
        self::assertTrue($this->validator(['procaptcha-response' => 'pass'], ['procaptcha-response' => [$rule]])->passes());
    }

    public function testJsonRequestInput(): void
    {
        $request = Request::create('/contact', 'POST', [], [], [], ['CONTENT_TYPE' => 'application/json', 'REMOTE_ADDR' => '127.0.0.1'], '{"captchaToken":"pass"}');
        $this->app->instance('request', $request);
        self::assertTrue($this->validator($request->all(), ['captchaToken' => 'siteverify'])->passes());
        self::assertInstanceOf(Outcome::class, $request->attributes->get('siteverify.outcome'));
    }

    private function ipSent(Request $request): string
    {
        $rule = new SiteverifyRule();
        self::assertTrue($this->validator(['captchaToken' => 'echo'], ['captchaToken' => [$rule]])->passes());
        self::assertSame($rule->outcome(), $request->attributes->get(SiteverifyRule::ATTRIBUTE), 'the handler sees the outcome');
        self::assertMatchesRegularExpression('/^ip=(\S*) /', (string) $rule->outcome()?->action);
        preg_match('/^ip=(\S*) /', (string) $rule->outcome()?->action, $m);
        return $m[1];
    }

    public function testClientIpFromTheConnection(): void
    {
        self::assertSame('203.0.113.7', $this->ipSent($this->bindRequest(['REMOTE_ADDR' => '203.0.113.7'])));
        // A forwarded header is ignored while no proxy is trusted.
        self::assertSame('203.0.113.7', $this->ipSent($this->bindRequest(['REMOTE_ADDR' => '203.0.113.7', 'HTTP_X_FORWARDED_FOR' => '198.51.100.1'])));
    }

    public function testTrustedProxiesAreLaravelsOwnOption(): void
    {
        Request::setTrustedProxies(['10.0.0.2'], Request::HEADER_X_FORWARDED_FOR);
        self::assertSame('198.51.100.1', $this->ipSent($this->bindRequest(['REMOTE_ADDR' => '10.0.0.2', 'HTTP_X_FORWARDED_FOR' => '198.51.100.1'])));
    }

    public function testAPeerThatIsNotAnIpSendsNoIp(): void
    {
        self::assertSame(Provider::NO_IP, $this->ipSent($this->bindRequest(['REMOTE_ADDR' => 'testclient'])));
        self::assertSame(Provider::NO_IP, $this->ipSent($this->bindRequest(['REMOTE_ADDR' => ''])));
        // No request bound at all (a queued job, the console).
        $this->app->forgetInstance('request');
        $rule = new SiteverifyRule();
        self::assertTrue($this->validator(['captchaToken' => 'echo'], ['captchaToken' => [$rule]])->passes());
        self::assertStringStartsWith('ip=' . Provider::NO_IP . ' ', (string) $rule->outcome()?->action);
    }
}
