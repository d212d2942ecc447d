package org.siteverify.examples;

import org.siteverify.Outcome;
import org.siteverify.Provider;
import org.siteverify.SiteverifyClient;

/**
 * {@code make demo}: verifies "pass:score=0.2" with GateKeeper at $SITEVERIFY_DEMO_URL (the mock)
 * and prints the outcome as one line of JSON with the core's field names; nothing else on stdout.
 */
public final class Demo {
    private Demo() {}

    public static void main(String[] args) {
        String base = System.getenv("SITEVERIFY_DEMO_URL");
        if (base == null || base.isBlank()) {
            System.err.println("set SITEVERIFY_DEMO_URL to the mock provider's base URL");
            System.exit(2);
        }
        System.out.println(run(base));
    }

    public static String run(String base) {
        try (SiteverifyClient client = SiteverifyClient.builder(Provider.GATEKEEPER)
                .endpoint(base + "/api/v1/token/verify")
                .secret("mock-secret")
                .expectedHostname("example.com")
                .build()) {
            Outcome outcome = client.verify("pass:score=0.2");
            return outcome.toJson();
        }
    }
}
