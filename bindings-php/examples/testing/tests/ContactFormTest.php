<?php

declare(strict_types=1);

namespace App\Tests;

use App\ContactForm;
use PHPUnit\Framework\TestCase;
use Siteverify\Client;
use Siteverify\Testing\MockProvider;

final class ContactFormTest extends TestCase
{
    private static MockProvider $mock;

    public static function setUpBeforeClass(): void
    {
        self::$mock = MockProvider::start();   // in this process, on a free loopback port
    }

    public static function tearDownAfterClass(): void
    {
        self::$mock->stop();
    }

    private static function form(): ContactForm
    {
        // provider, secret ('mock-secret') and endpoint of the mock; no retries, to keep 503 fast.
        return new ContactForm(new Client(self::$mock->clientOptions('prosopo', ['max_retries' => 0])));
    }

    public function testASolvedCaptchaSendsTheMessage(): void
    {
        $form = self::form();
        self::assertSame(200, $form->handle(['procaptcha-response' => 'pass', 'message' => 'hi'], '203.0.113.7'));
        self::assertSame(['hi'], $form->sent);
    }

    public function testAFailedOrExpiredCaptchaIsForbidden(): void
    {
        self::assertSame(403, self::form()->handle(['procaptcha-response' => 'fail'], '203.0.113.7'));
        self::assertSame(403, self::form()->handle(['procaptcha-response' => 'expired'], '203.0.113.7'));
    }

    public function testAMissingTokenNeverReachesTheProvider(): void
    {
        $before = self::$mock->requests();
        self::assertSame(403, self::form()->handle(['procaptcha-response' => ['an', 'array']], null));
        self::assertSame($before, self::$mock->requests());
    }

    public function testTheProviderDownIsA503(): void
    {
        self::assertSame(503, self::form()->handle(['procaptcha-response' => 'status:code=503'], '203.0.113.7'));
    }
}
