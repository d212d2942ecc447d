<?php

declare(strict_types=1);

namespace Siteverify;

/**
 * The core's provider names, for the `provider` option:
 * `new Client(['provider' => Provider::TURNSTILE, 'secret' => ...])`.
 *
 * Plain strings, passed to the core by name (`sv_client_builder_new_named`) like any other
 * string: the core decides which names exist (it also takes `procaptcha` and `gkcaptcha`), so a
 * provider the core adds works as a string before it has a constant here. What each provider
 * sends, takes and reports: the top-level README.md, "Providers".
 */
final class Provider
{
    /** Prosopo Procaptcha; `region` `eu`, `us` or `global`. */
    public const PROSOPO = 'prosopo';
    /** GateKeeper gkCAPTCHA. */
    public const GATEKEEPER = 'gatekeeper';
    /** Cloudflare Turnstile. */
    public const TURNSTILE = 'turnstile';
    /** hCaptcha; `site_key` optional (recommended). */
    public const HCAPTCHA = 'hcaptcha';
    /** Google reCAPTCHA v2 and v3 (the score reversed: 0 = human). */
    public const RECAPTCHA = 'recaptcha';
    /** Google reCAPTCHA Enterprise; `site_key` and `project_id` required. */
    public const RECAPTCHA_ENTERPRISE = 'recaptcha-enterprise';
    /** Friendly Captcha v2; `site_key` optional (recommended), `region` `eu` or `global`. */
    public const FRIENDLY = 'friendly';
    /** Yandex SmartCaptcha. */
    public const YANDEX = 'yandex';

    /** Every name above, in the core's order. */
    public const ALL = [
        self::PROSOPO,
        self::GATEKEEPER,
        self::TURNSTILE,
        self::HCAPTCHA,
        self::RECAPTCHA,
        self::RECAPTCHA_ENTERPRISE,
        self::FRIENDLY,
        self::YANDEX,
    ];

    private function __construct()
    {
    }
}
