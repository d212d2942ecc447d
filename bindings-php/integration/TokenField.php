<?php

declare(strict_types=1);

namespace Siteverify\Integration;

/**
 * The form field each provider's widget fills in, shared by every integration.
 *
 * GateKeeper has no widget-defined field: `captchaToken` is the name its examples use.
 */
final class TokenField
{
    /** @var array<string, string> provider name => field name */
    public const BY_PROVIDER = [
        'prosopo' => 'procaptcha-response',
        'gatekeeper' => 'captchaToken',
        'turnstile' => 'cf-turnstile-response',
        'hcaptcha' => 'h-captcha-response',
        'recaptcha' => 'g-recaptcha-response',
        'recaptcha-enterprise' => 'g-recaptcha-response',
        'friendly' => 'frc-captcha-response',
        'yandex' => 'smart-token',
    ];

    private function __construct()
    {
    }

    /**
     * The field for a provider name (`Client::provider()`).
     *
     * @throws \InvalidArgumentException an unknown provider: configure the field explicitly
     */
    public static function forProvider(string $provider): string
    {
        return self::BY_PROVIDER[$provider] ?? throw new \InvalidArgumentException(sprintf(
            'no known token field for provider %s: configure the field name',
            json_encode($provider)
        ));
    }
}
