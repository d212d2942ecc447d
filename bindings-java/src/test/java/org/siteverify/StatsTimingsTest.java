package org.siteverify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.siteverify.testing.MockProvider;

/** Stats' histograms and by_attempts, on both native paths. */
class StatsTimingsTest {
    @Test
    void histogramsAndAttemptsCountEveryVerification() {
        try (MockProvider mock = MockProvider.start();
             SiteverifyClient c = mock.clientBuilder(Provider.GATEKEEPER).maxRetries(2)
                     .retryBackoff(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(2)).build()) {
            c.verify("pass");
            c.verify("fail");
            c.verify("");                                                  // no attempt
            c.verify("flaky:fails=1");                                     // 2 attempts (a fresh mock: the first use)
            Stats s = c.stats();
            assertEquals(4, s.verifications());
            Histogram v = s.verificationSeconds();
            assertEquals(4, v.count());
            assertEquals(14, v.buckets().size(), v.toString());
            assertEquals(0.001, v.buckets().get(0).le());
            assertEquals(Double.POSITIVE_INFINITY, v.buckets().get(13).le());
            assertEquals(4, v.buckets().get(13).count());
            for (int i = 1; i < v.buckets().size(); i++) {
                assertTrue(v.buckets().get(i).count() >= v.buckets().get(i - 1).count(), "cumulative");
            }
            assertTrue(v.sumSeconds() > 0);
            assertEquals(4, v.countAtOrBelow(Double.POSITIVE_INFINITY));
            Histogram rtt = s.roundTripSeconds();
            assertEquals(4, rtt.count(), rtt.toString()); // the answered attempts: pass, fail, 503, pass
            assertEquals(Map.of(0, 1L, 1, 2L, 2, 1L), s.byAttempts());
            assertEquals(2, s.countByAttempts(1));
            assertEquals(0, s.countByAttempts(7));

            JsonObject json = JsonParser.parseString(s.toJson()).getAsJsonObject();
            assertEquals(4, json.getAsJsonObject("verification_seconds").get("count").getAsLong());
            assertTrue(json.getAsJsonObject("verification_seconds").getAsJsonArray("buckets").get(13)
                    .getAsJsonArray().get(0).isJsonNull());
            assertEquals(2, json.getAsJsonObject("by_attempts").get("1").getAsLong());
        }
    }
}
