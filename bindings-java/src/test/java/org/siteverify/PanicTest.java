package org.siteverify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A panic inside the core's verification (the core's test-only injected panic, armed through the
 * package-private {@link Backend#testingArmInjectedPanic}) on this JVM's path: {@code verify}
 * throws the internal error, every {@code verifyAsync} future completes exactly once with it,
 * promptly, and the client works on.
 */
class PanicTest {
    @AfterEach
    void disarm() {
        Backend.get().testingArmInjectedPanic(false);
        Wait.noPending();
    }

    private static void assertInternal(Throwable t) {
        SiteverifyException e = assertInstanceOf(SiteverifyException.class, t);
        assertEquals("internal", e.code(), e.toString());
        assertEquals(Abi.SV_INTERNAL, e.status(), e.toString());
    }

    @Test
    void anInjectedPanicCompletesEveryCallOnceWithTheInternalError() throws Exception {
        Backend backend = Backend.get();
        String token = backend.testingPanicToken();
        assertEquals("siteverify-test-injected-panic", token);
        try (SiteverifyClient client = MockServer.gatekeeperClient().timeout(Duration.ofSeconds(30)).build()) {
            long stray = Async.strayResults();
            backend.testingArmInjectedPanic(true);

            assertInternal(assertThrows(SiteverifyException.class, () -> client.verify(token)));

            long start = System.nanoTime();
            List<CompletableFuture<Outcome>> futures = new ArrayList<>();
            AtomicInteger completions = new AtomicInteger();
            for (int i = 0; i < 32; i++) {
                CompletableFuture<Outcome> f = client.verifyAsync(token);
                f.whenComplete((o, e) -> completions.incrementAndGet());
                futures.add(f);
            }
            for (CompletableFuture<Outcome> f : futures) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
                assertInternal(e.getCause());
            }
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "not prompt");
            Wait.noPending();
            Thread.sleep(200); // room for a second result, which must not come
            assertEquals(stray, Async.strayResults(), "a call was completed more than once");
            assertEquals(32, completions.get());
            assertTrue(client.stats().errors() >= 33, client.stats().toJson());

            // Other tokens are unaffected while armed.
            assertTrue(client.verifyAsync("pass").get(10, TimeUnit.SECONDS).accepted());

            backend.testingArmInjectedPanic(false);
            Outcome o = client.verify(token); // an ordinary (unknown) token again
            assertFalse(o.accepted(), o.toJson());
            assertEquals(o.reason(), client.verifyAsync(token).get(10, TimeUnit.SECONDS).reason());
            assertTrue(client.verify("pass").accepted());
            assertTrue(client.verifyAsync("pass").get(10, TimeUnit.SECONDS).accepted());
        }
    }
}
