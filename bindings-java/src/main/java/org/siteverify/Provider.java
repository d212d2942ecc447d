package org.siteverify;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The CAPTCHA provider a client verifies tokens with. Each reaches the core by its {@link #code()},
 * the core's name for it ({@code sv_client_builder_new_named}); what each one sends, takes and
 * reports is in the repository README's "Providers" section. The form field named in each
 * constant's description is the one the provider's widget posts the token in.
 */
public enum Provider {
    /** Prosopo Procaptcha ({@code /siteverify}; the token comes from the {@code procaptcha-response} field). */
    PROSOPO("prosopo"),
    /** GateKeeper gkCAPTCHA ({@code /api/v1/token/verify}; its examples post {@code captchaToken}). */
    GATEKEEPER("gatekeeper"),
    /** Cloudflare Turnstile ({@code /turnstile/v0/siteverify}; field {@code cf-turnstile-response}). */
    TURNSTILE("turnstile"),
    /**
     * hCaptcha, Enterprise score included ({@code /siteverify}; field {@code h-captcha-response}).
     * Set {@link SiteverifyClient.Builder#siteKey(String)} too.
     */
    HCAPTCHA("hcaptcha"),
    /** Google reCAPTCHA v2 and v3 ({@code /recaptcha/api/siteverify}; field {@code g-recaptcha-response}). */
    RECAPTCHA("recaptcha"),
    /**
     * Google reCAPTCHA Enterprise ({@code /v1/projects/{project_id}/assessments}; field
     * {@code g-recaptcha-response}): {@link SiteverifyClient.Builder#siteKey(String)} and
     * {@link SiteverifyClient.Builder#projectId(String)} are required.
     */
    RECAPTCHA_ENTERPRISE("recaptcha-enterprise"),
    /**
     * Friendly Captcha, API v2 ({@code /api/v2/captcha/siteverify}; field {@code frc-captcha-response});
     * {@code region} {@code "eu"} or {@code "global"}, and optionally a site key.
     */
    FRIENDLY("friendly"),
    /** Yandex SmartCaptcha ({@code /validate}; field {@code smart-token}). */
    YANDEX("yandex");

    private final String code;

    Provider(String code) {
        this.code = code;
    }

    /**
     * The core's stable lower-case name: {@code "prosopo"}, {@code "gatekeeper"}, {@code "turnstile"},
     * {@code "hcaptcha"}, {@code "recaptcha"}, {@code "recaptcha-enterprise"}, {@code "friendly"} or
     * {@code "yandex"}.
     */
    public String code() {
        return code;
    }

    /**
     * The provider with this code.
     *
     * @throws ConfigurationException for an unknown name
     */
    public static Provider fromCode(String code) {
        for (Provider p : values()) {
            if (p.code.equals(code)) {
                return p;
            }
        }
        throw new ConfigurationException("unknown provider (want "
                + Arrays.stream(values()).map(Provider::code).collect(Collectors.joining(", ")) + ")");
    }

    @Override
    public String toString() {
        return code;
    }
}
