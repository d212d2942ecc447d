package org.siteverify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AsyncTest {
    @AfterEach
    void nothingLeftBehind() {
        Wait.noPending();
    }

    @Test
    void verifiesAsynchronously() throws Exception {
        try (SiteverifyClient client = MockServer.gatekeeperClient().expectedHostname("example.com").build()) {
            Outcome o = client.verifyAsync("pass:score=0.2").get(10, TimeUnit.SECONDS);
            assertTrue(o.accepted());
            assertEquals(Reason.VERIFIED, o.reason());
            assertEquals(0.2, o.score().orElseThrow(), 1e-9);
            Outcome bad = client.verifyAsync("fail").get(10, TimeUnit.SECONDS);
            assertFalse(bad.accepted());
            assertEquals(Reason.TOKEN_INVALID, bad.reason());
        }
    }

    @Test
    void completesOnTheExecutorSoDependentStagesMayBlock() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> new Thread(r, "app-pool"));
        try (SiteverifyClient client = MockServer.gatekeeperClient().executor(pool).build()) {
            // Slow enough that the stage is attached before completion (an already
            // complete future would run it on this thread instead).
            CompletableFuture<String> chained = client.verifyAsync("slow:ms=300")
                    .thenApply(o -> {
                        // On a library thread this would fail with blocking-in-async-context.
                        Outcome again = client.verify("pass:score=0.1");
                        return Thread.currentThread().getName() + " " + o.accepted() + " " + again.accepted();
                    });
            assertEquals("app-pool true true", chained.get(10, TimeUnit.SECONDS));
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void defaultExecutorIsNotALibraryThread() throws Exception {
        try (SiteverifyClient client = MockServer.gatekeeperClient().build()) {
            // Slow, so the stage runs on the completing thread, not on this one.
            String thread = client.verifyAsync("slow:ms=300").thenApply(o -> Thread.currentThread().getName())
                    .get(10, TimeUnit.SECONDS);
            // The core's runtime threads are named siteverify-rt.
            assertFalse(thread.contains("siteverify-rt"), thread);
            assertNotEquals(Thread.currentThread().getName(), thread);
        }
    }

    @Test
    void cancellingTheFutureCancelsTheNativeTask() throws Exception {
        try (SiteverifyClient client = MockServer.prosopoClient()
                .timeout(Duration.ofSeconds(60)).attemptTimeout(Duration.ofSeconds(60)).build()) {
            int before = Async.pendingCount();
            CompletableFuture<Outcome> f = client.verifyAsync("hang");
            Thread.sleep(200); // the request is on the wire, the mock never answers
            assertFalse(f.isDone());
            assertEquals(before + 1, Async.pendingCount());
            long start = System.nanoTime();
            assertTrue(f.cancel(true));
            assertTrue(f.isCancelled());
            assertThrows(CancellationException.class, f::join);
            // The callback ran (with SV_CANCELLED) long before the 60 s deadline.
            Wait.until("the cancelled callback", Duration.ofSeconds(5), () -> Async.pendingCount() == before);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
            // A cancelled verification produced no outcome.
            assertEquals(0, client.stats().verifications());
            // The client still works.
            assertTrue(client.verifyAsync("pass").get(10, TimeUnit.SECONDS).accepted());
        }
    }

    @Test
    void cancelRightAwayRacesTheStartSafely() throws Exception {
        try (SiteverifyClient client = MockServer.prosopoClient().timeout(Duration.ofSeconds(30)).build()) {
            List<CompletableFuture<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                CompletableFuture<Outcome> f = client.verifyAsync(i % 2 == 0 ? "hang" : "pass");
                f.cancel(false);
                futures.add(f);
            }
            for (CompletableFuture<Outcome> f : futures) {
                assertTrue(f.isCancelled() || f.join().accepted());
            }
            Wait.noPending();
        }
    }

    @Test
    void orTimeoutAlsoCancelsTheNativeTask() {
        try (SiteverifyClient client = MockServer.prosopoClient().timeout(Duration.ofSeconds(60)).build()) {
            CompletableFuture<Outcome> f = client.verifyAsync("hang").orTimeout(200, TimeUnit.MILLISECONDS);
            CompletionException e = assertThrows(CompletionException.class, f::join);
            assertInstanceOf(TimeoutException.class, e.getCause());
            Wait.noPending();
        }
    }

    @Test
    void aHugeRetryAfterCompletesPromptly() throws Exception {
        // Retry-After: 2^64-1 seconds is far beyond any deadline: given up at once, not slept on.
        try (SiteverifyClient client = MockServer.gatekeeperClient().timeout(Duration.ofSeconds(30)).build()) {
            long start = System.nanoTime();
            Outcome o = client.verifyAsync("ratelimit:retry-after=18446744073709551615").get(5, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
            assertFalse(o.accepted(), o.toJson());
            assertEquals(Reason.PROVIDER_UNAVAILABLE, o.reason(), o.toJson());
            assertEquals(1, o.attempts(), o.toJson());
            Outcome sync = client.verify("ratelimit:retry-after=18446744073709551615");
            assertEquals(Reason.PROVIDER_UNAVAILABLE, sync.reason(), sync.toJson());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void cancelAfterCompletionChangesNothing() throws Exception {
        try (SiteverifyClient client = MockServer.gatekeeperClient().build()) {
            CompletableFuture<Outcome> f = client.verifyAsync("pass");
            Outcome o = f.get(10, TimeUnit.SECONDS);
            assertFalse(f.cancel(true));
            assertEquals(o, f.join());
        }
    }

    @Test
    void errorsArriveThroughTheFuture() throws Exception {
        SiteverifyClient client = MockServer.prosopoClient().build();
        try (client) {
            ExecutionException bad = assertThrows(ExecutionException.class,
                    () -> client.verifyAsync("pass", VerifyOptions.remoteIp("203.0.113.7; DROP TABLE")).get());
            assertInstanceOf(InvalidArgumentException.class, bad.getCause());
            assertEquals("invalid-argument", ((SiteverifyException) bad.getCause()).code());

            ExecutionException nul = assertThrows(ExecutionException.class, () -> client.verifyAsync(null).get());
            assertInstanceOf(InvalidArgumentException.class, nul.getCause());
        }
        ExecutionException closed = assertThrows(ExecutionException.class, () -> client.verifyAsync("pass").get());
        assertEquals("closed", ((SiteverifyException) closed.getCause()).code());
    }

    @Test
    void manyConcurrentCallsOnOneClient() {
        AtomicInteger accepted = new AtomicInteger();
        try (SiteverifyClient client = MockServer.gatekeeperClient().build()) {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                String token = i % 3 == 0 ? "fail" : "pass:score=0." + (i % 10);
                all.add(client.verifyAsync(token).thenAccept(o -> {
                    assertEquals(!token.equals("fail"), o.accepted(), token);
                    if (o.accepted()) {
                        accepted.incrementAndGet();
                    }
                }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            assertEquals(200, accepted.get());
            Stats s = client.stats();
            assertEquals(300, s.verifications());
            assertEquals(200, s.accepted());
            assertEquals(100, s.notAccepted());
            assertEquals(100, s.count(Reason.TOKEN_INVALID));
            assertEquals(200, s.count(Reason.VERIFIED));
        }
    }
}
