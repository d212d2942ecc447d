package org.siteverify.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.siteverify.Outcome;
import org.siteverify.Provider;
import org.siteverify.SiteverifyClient;
import org.siteverify.VerifyOptions;
import org.siteverify.testing.MockProvider;

/** Testing your form handler with the in-process mock: no network, no real secret, every verdict on demand. */
class SignupHandlerTest {
    /** Your application's handler: 303 to the welcome page, 403 for a bad CAPTCHA, 503 when nobody could tell. */
    static int signup(SiteverifyClient captcha, Map<String, String> form, String clientIp) {
        Outcome outcome = captcha.verify(form.getOrDefault("procaptcha-response", ""),
                VerifyOptions.remoteIp(clientIp));
        if (!outcome.accepted()) {
            return outcome.conclusive() ? 403 : 503;
        }
        // ... create the account ...
        return 303;
    }

    static MockProvider mock;
    static SiteverifyClient captcha;

    @BeforeAll
    static void startTheMock() {
        mock = MockProvider.start();                                     // an ephemeral port on 127.0.0.1
        captcha = mock.clientBuilder(Provider.PROSOPO).maxRetries(0).build(); // its endpoint and secret
    }

    @AfterAll
    static void stopTheMock() {
        captcha.close();
        mock.close();
    }

    @Test
    void aSolvedCaptchaSignsUp() {
        assertEquals(303, signup(captcha, Map.of("procaptcha-response", "pass"), "203.0.113.7"));
    }

    @Test
    void aBadOrReplayedTokenIsForbidden() {
        assertEquals(403, signup(captcha, Map.of("procaptcha-response", "fail"), "203.0.113.7"));
        assertEquals(403, signup(captcha, Map.of("procaptcha-response", "expired"), "203.0.113.7"));
    }

    @Test
    void aProviderOutageIsServiceUnavailable() {
        assertEquals(503, signup(captcha, Map.of("procaptcha-response", "status:code=503"), "203.0.113.7"));
    }

    @Test
    void noTokenIsRejectedWithoutARequest() {
        long before = mock.requests();
        assertEquals(403, signup(captcha, Map.of(), "203.0.113.7"));
        assertEquals(before, mock.requests());
    }
}
