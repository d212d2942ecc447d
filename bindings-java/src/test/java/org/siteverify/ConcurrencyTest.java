package org.siteverify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** One client shared by many threads: every outcome is the right one, and the counters add up. */
class ConcurrencyTest {
    static final int THREADS = 64;
    static final int CALLS = 20;

    @AfterEach
    void nothingLeftBehind() {
        Wait.noPending();
    }

    @Test
    void sixtyFourThreadsShareOneClient() throws Exception {
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        try (SiteverifyClient client = MockServer.gatekeeperClient().expectedHostname("example.com")
                .scoreThreshold(0.5).build()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                final int id = t;
                Thread th = new Thread(() -> {
                    try {
                        go.await();
                        for (int i = 0; i < CALLS; i++) {
                            // Scores 0.0 to 0.9: accepted up to 0.5, six of every ten.
                            String token = "pass:score=0." + ((id + i) % 10) + ":id=" + id + "-" + i;
                            boolean want = (id + i) % 10 <= 5;
                            Outcome o = (i % 2 == 0)
                                    ? client.verify(token)
                                    : client.verifyAsync(token).get(30, TimeUnit.SECONDS);
                            if (o.accepted() != want) {
                                problems.add(token + " -> " + o.toJson());
                            }
                        }
                    } catch (Throwable e) {
                        problems.add("thread " + id + ": " + e);
                    }
                }, "verifier-" + t);
                th.start();
                threads.add(th);
            }
            go.countDown();
            for (Thread th : threads) {
                th.join(TimeUnit.SECONDS.toMillis(120));
            }
            assertTrue(problems.isEmpty(), () -> problems.size() + " problems, e.g. " + problems.peek());
            Stats s = client.stats();
            int total = THREADS * CALLS;
            assertEquals(total, s.verifications());
            assertEquals(total * 6 / 10, s.accepted());
            assertEquals(total * 4 / 10, s.notAccepted());
            assertEquals(total * 4 / 10, s.count(Reason.SCORE_ABOVE_THRESHOLD));
            assertEquals(0, s.errors());
            assertEquals(Map.of(Reason.VERIFIED, (long) total * 6 / 10, Reason.SCORE_ABOVE_THRESHOLD,
                    (long) total * 4 / 10), s.byReason());
        }
    }

    /** Java 21+ only (the tests compile for 17, so the executor is looked up reflectively). */
    @Test
    void virtualThreadsToo() throws Exception {
        Assumptions.assumeTrue(Runtime.version().feature() >= 21, "virtual threads need Java 21");
        ExecutorService vt = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        try (SiteverifyClient client = MockServer.gatekeeperClient().build()) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 256; i++) {
                final int n = i;
                // join() on a virtual thread unmounts it while the library works.
                results.add(vt.submit(() -> n % 2 == 0
                        ? client.verify("pass").accepted()
                        : client.verifyAsync("pass").join().accepted()));
            }
            for (Future<Boolean> r : results) {
                assertTrue(r.get(60, TimeUnit.SECONDS));
            }
            assertEquals(256, client.stats().verifications());
        } finally {
            vt.shutdown();
        }
    }
}
