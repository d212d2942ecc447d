package org.siteverify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.siteverify.testing.MockProvider;

/**
 * One event per verification on both native paths: to {@code onEvent} consumers, and with
 * {@code logEvents(true)} to the {@code System.Logger} "org.siteverify" (java.util.logging here,
 * the JDK's default backend), at the core's levels; never the token or the secret; a throwing or
 * slow consumer never changes a verdict.
 */
class EventsTest {
    private static final String SECRET = "mock-secret";
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Logger jul = Logger.getLogger("org.siteverify");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private Level previous;

    @BeforeEach
    void capture() {
        previous = jul.getLevel();
        jul.setLevel(Level.ALL);
        jul.addHandler(capture);
    }

    @AfterEach
    void release() {
        jul.removeHandler(capture);
        jul.setLevel(previous);
    }

    @Test
    void eachVerificationIsOneEventWithTheVerdictItReturned() throws Exception {
        List<VerificationEvent> events = new CopyOnWriteArrayList<>();
        try (MockProvider mock = MockProvider.start();
             SiteverifyClient c = mock.clientBuilder(Provider.PROSOPO).onEvent(events::add).build()) {
            Outcome pass = c.verify("pass");
            Outcome fail = c.verifyAsync("fail").get(10, TimeUnit.SECONDS);
            Outcome empty = c.verify("");
            assertEquals(3, events.size(), events.toString());
            assertEquals(List.of(pass, fail, empty), events.stream().map(VerificationEvent::outcome).toList());
            assertEquals(List.of(EventLevel.DEBUG, EventLevel.INFO, EventLevel.INFO),
                    events.stream().map(VerificationEvent::level).toList());
            for (VerificationEvent e : events) {
                assertEquals("prosopo", e.provider());
                assertTrue(e.tokenFingerprint().matches("[0-9a-f]{8}"), e.tokenFingerprint());
                assertFalse(e.latency().isNegative());
                String json = e.toJson();
                assertTrue(json.startsWith("{\"provider\":\"prosopo\",\"accepted\":"), json);
                assertFalse(json.contains(SECRET), json);
                assertTrue(json.endsWith(",\"level\":\"" + e.level().code() + "\"}"), json);
            }
            assertEquals(events.get(0).tokenFingerprint(), sha256Prefix("pass"));
            assertFalse(events.get(0).toJson().contains("\"pass\""));
        }
    }

    @Test
    void logsAtTheCoresLevelsWithoutTokenOrSecret() {
        String token = "pass:score=0.1:reason=" + MockServer.uniq("secret-looking-token");
        try (MockProvider mock = MockProvider.start();
             SiteverifyClient c = mock.clientBuilder(Provider.PROSOPO).logEvents(true).maxRetries(0).build();
             SiteverifyClient wrongSecret = SiteverifyClient.builder(Provider.GATEKEEPER).secret("not-the-" + SECRET)
                     .endpoint(mock.endpoint(Provider.GATEKEEPER)).logEvents(true).build()) {
            assertTrue(c.verify(token).accepted());
            assertFalse(c.verify("fail").accepted());
            assertEquals(Reason.PROVIDER_REJECTED_REQUEST, wrongSecret.verify("pass").reason());
            assertEquals(Reason.PROVIDER_FAIL_OPEN, c.verify("fail-open").reason());
        }
        List<Level> levels = records.stream().map(LogRecord::getLevel).toList();
        // System.Logger DEBUG, INFO and WARNING are java.util.logging's FINE, INFO and WARNING.
        assertEquals(List.of(Level.FINE, Level.INFO, Level.WARNING, Level.WARNING), levels, messages());
        for (LogRecord r : records) {
            String m = r.getMessage();
            assertEquals("org.siteverify", r.getLoggerName());
            assertTrue(m.matches("verification provider=(prosopo|gatekeeper) accepted=.*"), m);
            assertTrue(m.matches(".* token_fingerprint=[0-9a-f]{8}$"), m);
            assertFalse(m.contains("secret-looking-token"), m);
            assertFalse(m.contains(SECRET), m);
        }
        assertTrue(records.get(0).getMessage().contains(" reason=verified "), messages());
        assertTrue(records.get(2).getMessage().contains(" reason=provider-rejected-request "), messages());
    }

    @Test
    void theLevelIsTheCoresNotTheVerdicts() {
        // An accepted fail-open answer is still WARN (the core's rule), a rejection INFO; the
        // logger only names the core's level.
        List<VerificationEvent> events = new CopyOnWriteArrayList<>();
        try (MockProvider mock = MockProvider.start();
             SiteverifyClient c = mock.clientBuilder(Provider.PROSOPO).failMode(FailMode.OPEN).maxRetries(0)
                     .logEvents(true).onEvent(events::add).build()) {
            assertTrue(c.verify("fail-open").accepted());
            assertFalse(c.verify("fail").accepted());
        }
        assertEquals(List.of(EventLevel.WARN, EventLevel.INFO), events.stream().map(VerificationEvent::level).toList());
        assertEquals(List.of(Level.WARNING, Level.INFO), records.stream().map(LogRecord::getLevel).toList(), messages());
        assertEquals(EventLevel.INFO, EventLevel.fromCode("a-level-added-later"));
        assertEquals(List.of("debug", "info", "warn"), java.util.Arrays.stream(EventLevel.values()).map(EventLevel::code).toList());
    }

    @Test
    void notLoggedUnlessAskedFor() {
        try (MockProvider mock = MockProvider.start();
             SiteverifyClient c = mock.clientBuilder(Provider.GATEKEEPER).build()) {
            c.verify("fail");
        }
        assertEquals(List.of(), records);
    }

    @Test
    void aThrowingLoggerOrConsumerChangesNothing() throws Exception {
        Handler broken = new Handler() {
            @Override
            public void publish(LogRecord r) {
                throw new IllegalStateException("the log backend is down");
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(broken);
        List<VerificationEvent> after = new CopyOnWriteArrayList<>();
        try (MockProvider mock = MockProvider.start();
             SiteverifyClient c = mock.clientBuilder(Provider.GATEKEEPER).logEvents(true)
                     .onEvent(e -> {
                         throw new IllegalStateException("a consumer bug");
                     })
                     .onEvent(e -> {
                         throw new StackOverflowError("worse");
                     })
                     .onEvent(after::add)
                     .build()) {
            for (int i = 0; i < 20; i++) {
                assertTrue(c.verify("pass").accepted());
                assertFalse(c.verify("fail").accepted());
                assertTrue(c.verifyAsync("pass").get(10, TimeUnit.SECONDS).accepted());
            }
            assertEquals(60, after.size(), "later consumers still run");
            assertEquals(60, c.stats().verifications());
        } finally {
            jul.removeHandler(broken);
        }
    }

    @Test
    void aSlowConsumerDelaysButNeverBreaksAVerdict() throws Exception {
        try (MockProvider mock = MockProvider.start();
             SiteverifyClient c = mock.clientBuilder(Provider.PROSOPO).timeout(Duration.ofSeconds(1))
                     .onEvent(e -> {
                         try {
                             Thread.sleep(1500); // longer than the client's own deadline
                         } catch (InterruptedException ie) {
                             Thread.currentThread().interrupt();
                         }
                     }).build()) {
            assertTrue(c.verify("pass").accepted());
            Outcome async = c.verifyAsync("fail").get(10, TimeUnit.SECONDS);
            assertFalse(async.accepted());
            assertTrue(async.conclusive());
        }
    }

    @Test
    void consumersAreReleasedWithTheClient() {
        int before = Events.registered();
        try (MockProvider mock = MockProvider.start()) {
            SiteverifyClient c = mock.clientBuilder(Provider.PROSOPO).onEvent(e -> { }).build();
            assertEquals(before + 1, Events.registered());
            c.close();
            assertEquals(before, Events.registered());
        }
    }

    private String messages() {
        return records.stream().map(r -> r.getLevel() + " " + r.getMessage()).toList().toString();
    }

    private static String sha256Prefix(String token) throws Exception {
        byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return String.format("%02x%02x%02x%02x", d[0], d[1], d[2], d[3]);
    }
}
