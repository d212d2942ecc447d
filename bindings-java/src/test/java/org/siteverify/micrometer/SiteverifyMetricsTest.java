package org.siteverify.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;
import org.siteverify.Provider;
import org.siteverify.SiteverifyClient;
import org.siteverify.testing.MockProvider;

/** The Micrometer binder, scraped after verifications against the mock. */
class SiteverifyMetricsTest {
    private static double count(MeterRegistry r, String name, String... tags) {
        Counter c = r.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void countsWhatTheVerificationsDid() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SiteverifyMetrics metrics = new SiteverifyMetrics(registry);
        try (MockProvider mock = MockProvider.start();
             SiteverifyClient gk = mock.clientBuilder(Provider.GATEKEEPER).onEvent(metrics).build();
             SiteverifyClient pro = mock.clientBuilder(Provider.PROSOPO).onEvent(metrics).maxRetries(0).build()) {
            for (int i = 0; i < 3; i++) {
                assertTrue(gk.verify("pass").accepted());
            }
            assertFalse(gk.verify("fail").accepted());
            assertFalse(gk.verifyAsync("fail").get(10, TimeUnit.SECONDS).accepted());
            assertFalse(pro.verify("error:key=API.SOMETHING").accepted());
            pro.verify("fail-open");
            assertFalse(pro.verify("status:code=503").accepted());

            assertEquals(3, count(registry, SiteverifyMetrics.VERIFICATIONS,
                    "provider", "gatekeeper", "reason", "verified", "accepted", "true"));
            assertEquals(2, count(registry, SiteverifyMetrics.VERIFICATIONS,
                    "provider", "gatekeeper", "reason", "token-invalid", "accepted", "false"),
                    registry.getMetersAsString());
            assertEquals(1, count(registry, SiteverifyMetrics.VERIFICATIONS,
                    "provider", "prosopo", "reason", "provider-unavailable", "accepted", "false"));
            assertEquals(1, count(registry, SiteverifyMetrics.FAIL_OPEN_SUSPECTED, "provider", "prosopo"));
            assertEquals(0, count(registry, SiteverifyMetrics.FAIL_OPEN_SUSPECTED, "provider", "gatekeeper"));
            assertEquals(2, count(registry, SiteverifyMetrics.PROVIDER_ERRORS,
                    "provider", "gatekeeper", "key", "invalid-input-response"));
            assertEquals(1, count(registry, SiteverifyMetrics.PROVIDER_ERRORS,
                    "provider", "prosopo", "key", "API.SOMETHING"));

            Timer accepted = registry.get(SiteverifyMetrics.DURATION)
                    .tags("provider", "gatekeeper", "accepted", "true").timer();
            assertEquals(3, accepted.count());
            assertTrue(accepted.totalTime(TimeUnit.NANOSECONDS) > 0);
            double total = registry.get(SiteverifyMetrics.DURATION).timers().stream().mapToLong(Timer::count).sum();
            assertEquals(8, total);
            double verifications = registry.get(SiteverifyMetrics.VERIFICATIONS).counters().stream()
                    .mapToDouble(Counter::count).sum();
            assertEquals(gk.stats().verifications() + pro.stats().verifications(), verifications);
        }
    }

    @Test
    void recordsInEveryBoundRegistryAndNothingUnbound() {
        SiteverifyMetrics metrics = new SiteverifyMetrics();
        SimpleMeterRegistry a = new SimpleMeterRegistry();
        SimpleMeterRegistry b = new SimpleMeterRegistry();
        try (MockProvider mock = MockProvider.start();
             SiteverifyClient c = mock.clientBuilder(Provider.PROSOPO).onEvent(metrics).build()) {
            c.verify("pass");
            metrics.bindTo(a);
            metrics.bindTo(b);
            metrics.bindTo(b);
            c.verify("pass");
        }
        for (SimpleMeterRegistry r : new SimpleMeterRegistry[] {a, b}) {
            assertEquals(1, count(r, SiteverifyMetrics.VERIFICATIONS,
                    "provider", "prosopo", "reason", "verified", "accepted", "true"));
        }
    }
}
