package org.siteverify.examples;

import java.time.Duration;

import org.siteverify.Outcome;
import org.siteverify.Provider;
import org.siteverify.SiteverifyClient;
import org.siteverify.VerifyOptions;

/**
 * Verifies one token: {@code java QuickStart ENDPOINT TOKEN}, the secret in $SITEVERIFY_SECRET.
 * Against the mock: ENDPOINT = http://127.0.0.1:PORT/api/v1/token/verify, secret mock-secret.
 */
public class QuickStart {
    public static void main(String[] args) {
        System.exit(run(args[0], args[1], System.getenv("SITEVERIFY_SECRET")) ? 0 : 1);
    }

    public static boolean run(String endpoint, String token, String secret) {
        // Build once at startup and share it: the client is thread-safe and keeps connections open.
        try (SiteverifyClient client = SiteverifyClient.builder(Provider.GATEKEEPER)
                .secret(secret)                    // null or empty: an exception here, not a silent pass
                .endpoint(endpoint)                // leave out to use the provider's own URL
                .expectedHostname("example.com")
                .scoreThreshold(0.5)               // 0 = human, 1 = bot; a missing score is refused
                .timeout(Duration.ofSeconds(5))    // the whole verification, retries included
                .build()) {

            // Per request: the token from the form, and the user's IP address.
            Outcome outcome = client.verify(token, VerifyOptions.remoteIp("203.0.113.7"));

            System.out.println("accepted=" + outcome.accepted() + " reason=" + outcome.reason());
            if (!outcome.conclusive()) {
                System.err.println("warning: the provider gave no definitive answer");
            }
            return outcome.accepted();             // the one bit to act on
        }
    }
}
