package org.siteverify;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** close() is idempotent and thread-safe; a closed client throws, never crashes; nothing leaks. */
class CloseTest {
    @AfterEach
    void nothingLeftBehind() {
        Wait.noPending();
    }

    @Test
    void closeIsIdempotent() {
        long live = NativeClient.LIVE.get();
        SiteverifyClient client = MockServer.gatekeeperClient().build();
        assertEquals(live + 1, NativeClient.LIVE.get());
        assertFalse(client.isClosed());
        client.close();
        client.close();
        assertDoesNotThrow(client::close);
        assertTrue(client.isClosed());
        assertEquals(live, NativeClient.LIVE.get(), "freed exactly once");
        assertTrue(client.toString().contains("closed"));
    }

    @Test
    void concurrentClosesFreeOnce() throws Exception {
        for (int round = 0; round < 20; round++) {
            long live = NativeClient.LIVE.get();
            SiteverifyClient client = MockServer.gatekeeperClient().build();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    client.close();
                });
                t.start();
                threads.add(t);
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(live, NativeClient.LIVE.get());
        }
    }

    @Test
    void useAfterCloseThrowsClosed() {
        SiteverifyClient client = MockServer.gatekeeperClient().build();
        client.close();
        SiteverifyException e = assertThrows(SiteverifyException.class, () -> client.verify("pass"));
        assertEquals("closed", e.code());
        assertEquals(SiteverifyException.CLOSED, e.code());
        assertEquals("closed", assertThrows(SiteverifyException.class,
                () -> client.verify("pass", VerifyOptions.remoteIp("203.0.113.7"))).code());
        assertEquals("closed", assertThrows(SiteverifyException.class, client::stats).code());
        CompletableFuture<Outcome> f = client.verifyAsync("pass");
        assertTrue(f.isCompletedExceptionally());
        assertEquals("closed", ((SiteverifyException) f.handle((o, x) -> x).join()).code());
        // Still fine after many tries.
        for (int i = 0; i < 1000; i++) {
            assertThrows(SiteverifyException.class, () -> client.verify("pass"));
        }
    }

    @Test
    void closingWhileAnAsyncCallRunsLetsItFinish() throws Exception {
        long live = NativeClient.LIVE.get();
        SiteverifyClient client = MockServer.gatekeeperClient().build();
        CompletableFuture<Outcome> f = client.verifyAsync("slow:ms=300");
        client.close();
        assertEquals(live, NativeClient.LIVE.get(), "our reference is gone; the library holds its own");
        Outcome o = f.get(10, TimeUnit.SECONDS);
        assertTrue(o.accepted(), o.toJson());
    }

    @Test
    void closingWhileABlockingCallRunsLetsItFinish() throws Exception {
        long live = NativeClient.LIVE.get();
        SiteverifyClient client = MockServer.gatekeeperClient().build();
        CompletableFuture<Outcome> running = CompletableFuture.supplyAsync(() -> client.verify("slow:ms=1500"));
        Wait.until("the call is running", Duration.ofSeconds(10), () -> client.nativeHandle().references() == 2);
        client.close();
        assertTrue(client.isClosed());
        assertEquals(live + 1, NativeClient.LIVE.get(), "the running call still holds the native client");
        assertTrue(running.get(10, TimeUnit.SECONDS).accepted());
        assertEquals(live, NativeClient.LIVE.get(), "freed by the last call out");
    }

    @Test
    void verificationsRacingCloseGetAnOutcomeOrClosed() throws Exception {
        for (int round = 0; round < 5; round++) {
            long live = NativeClient.LIVE.get();
            SiteverifyClient client = MockServer.gatekeeperClient().build();
            ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
            AtomicInteger outcomes = new AtomicInteger();
            AtomicInteger closedErrors = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                final boolean async = t % 2 == 1;
                Thread th = new Thread(() -> {
                    while (true) {
                        try {
                            Outcome o = async ? client.verifyAsync("pass").join() : client.verify("pass");
                            if (!o.accepted()) {
                                unexpected.add(new AssertionError(o.toJson()));
                            }
                            outcomes.incrementAndGet();
                        } catch (SiteverifyException e) {
                            if (e.code().equals("closed")) {
                                closedErrors.incrementAndGet();
                                return;
                            }
                            unexpected.add(e);
                            return;
                        } catch (java.util.concurrent.CompletionException e) {
                            if (e.getCause() instanceof SiteverifyException se && se.code().equals("closed")) {
                                closedErrors.incrementAndGet();
                                return;
                            }
                            unexpected.add(e);
                            return;
                        } catch (Throwable e) {
                            unexpected.add(e);
                            return;
                        }
                    }
                });
                th.start();
                threads.add(th);
            }
            Wait.until("some verifications went through", Duration.ofSeconds(20), () -> outcomes.get() >= 8);
            client.close();
            for (Thread th : threads) {
                th.join(TimeUnit.SECONDS.toMillis(30));
            }
            assertTrue(unexpected.isEmpty(), () -> "unexpected: " + unexpected.peek());
            assertEquals(8, closedErrors.get());
            assertTrue(outcomes.get() > 0);
            assertEquals(live, NativeClient.LIVE.get());
        }
    }

    @Test
    void manyClientsClosedLeaveNothingBehind() throws Exception {
        long live = NativeClient.LIVE.get();
        for (int i = 0; i < 100; i++) {
            try (SiteverifyClient client = MockServer.prosopoClient().build()) {
                if (i % 10 == 0) {
                    assertTrue(client.verify("pass").accepted());
                    assertTrue(client.verifyAsync("pass").get(10, TimeUnit.SECONDS).accepted());
                }
            }
        }
        assertEquals(live, NativeClient.LIVE.get());
        Wait.noPending();
    }

    @Test
    void aClientNeverClosedIsFreedByTheCleaner() {
        long live = NativeClient.LIVE.get();
        buildAndDrop();
        assertEquals(live + 1, NativeClient.LIVE.get());
        Wait.until("the Cleaner frees the dropped client", Duration.ofSeconds(20), () -> {
            System.gc();
            return NativeClient.LIVE.get() == live;
        });
    }

    private static void buildAndDrop() {
        SiteverifyClient client = MockServer.gatekeeperClient().build();
        assertTrue(client.verify("pass").accepted());
    }
}
