package org.siteverify;

import java.util.Arrays;

/**
 * {@code make bench}: sequential verifications per second on this JVM's native path against the
 * mock (a full HTTP round trip), and for a token the core rejects locally (no HTTP: the binding's
 * own per-call cost). Median of several rounds; prints one line per measure. Not a test: no
 * timing is asserted anywhere.
 */
public final class VerifyBench {
    private VerifyBench() {}

    public static void main(String[] args) {
        int rounds = Integer.getInteger("bench.rounds", 7);
        int perRound = Integer.getInteger("bench.calls", 2000);
        try (SiteverifyClient client = MockServer.gatekeeperClient().build()) {
            measure(client, "mock round trip", "pass:score=0.2", rounds, perRound);
            // An empty token is rejected by the core before any request.
            measure(client, "local reject   ", "", rounds, perRound * 10);
        }
    }

    private static void measure(SiteverifyClient client, String what, String token, int rounds, int calls) {
        for (int i = 0; i < calls; i++) { // warm-up: JIT, connection pool
            client.verify(token);
        }
        double[] rates = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                client.verify(token);
            }
            rates[r] = calls / ((System.nanoTime() - start) / 1e9);
        }
        Arrays.sort(rates);
        System.out.printf("bench java=%d path=%s %s: median %,.0f verifications/s (%d rounds of %d; min %,.0f, max %,.0f)%n",
                Runtime.version().feature(), Siteverify.nativePath(), what, rates[rounds / 2], rounds, calls,
                rates[0], rates[rounds - 1]);
    }
}
