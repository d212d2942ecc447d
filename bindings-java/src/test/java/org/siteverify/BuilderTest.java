package org.siteverify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Every option reaches the core; bad input gives the right exception; the secret never shows. */
class BuilderTest {
    static final String SECRET = "sk_live_DO-NOT-PRINT-0123456789";

    @Test
    void nullInputIsAnInvalidArgument() {
        SiteverifyClient.Builder b = SiteverifyClient.builder(Provider.GATEKEEPER);
        assertEquals("invalid-argument", assertThrows(InvalidArgumentException.class, () -> b.secret(null)).code());
        assertThrows(InvalidArgumentException.class, () -> b.endpoint((String) null));
        assertThrows(InvalidArgumentException.class, () -> b.expectedHostname(null));
        assertThrows(InvalidArgumentException.class, () -> b.failMode(null));
        assertThrows(InvalidArgumentException.class, () -> b.timeout(null));
        assertThrows(InvalidArgumentException.class, () -> SiteverifyClient.builder(null));
    }

    @Test
    void everyBadValueIsTheCoresConfigurationError() {
        // The setters only record; the core judges each value at build() and names the option,
        // with the code every binding gives (Java said invalid-argument for some before).
        Duration neg = Duration.ofMillis(-1);
        Object[][] cases = {
            {"timeout", MockServer.gatekeeperClient().timeout(neg)},
            {"connect_timeout", MockServer.gatekeeperClient().connectTimeout(neg)},
            {"attempt_timeout", MockServer.gatekeeperClient().attemptTimeout(neg)},
            {"retry_base_delay", MockServer.gatekeeperClient().retryBackoff(neg, Duration.ofSeconds(1))},
            {"retry_max_delay", MockServer.gatekeeperClient().retryBackoff(Duration.ofSeconds(1), neg)},
            {"max_age", MockServer.gatekeeperClient().maxAge(Duration.ofSeconds(-5))},
            {"max_retries", MockServer.gatekeeperClient().maxRetries(-1)},
            {"timeout", MockServer.gatekeeperClient().timeout(Duration.ofSeconds(Long.MAX_VALUE))},
            {"timeout", MockServer.gatekeeperClient().timeout(Duration.ofNanos(-1))},
        };
        for (Object[] c : cases) {
            SiteverifyClient.Builder b = (SiteverifyClient.Builder) c[1];
            ConfigurationException e = assertThrows(ConfigurationException.class, b::build, c[0].toString());
            assertEquals("configuration", e.code());
            assertEquals(Abi.SV_CONFIGURATION, e.status());
            assertTrue(e.getMessage().contains((String) c[0]), e.getMessage());
        }
        // A value the Java types cannot express reaches the core by name all the same.
        ConfigurationException word = assertThrows(ConfigurationException.class, () -> MockServer.gatekeeperClient()
                .option(ClientOption.text("fail_mode", "sometimes")).build());
        assertFalse(word.getMessage().contains("sometimes"), word.getMessage());
        assertThrows(ConfigurationException.class, () -> MockServer.gatekeeperClient()
                .option(ClientOption.bool("no_such_option", true)).build());
        assertThrows(ConfigurationException.class, () -> new ClientBuilder("nope").secret("s").build());
        // Sub-millisecond durations reach the core as they are (a microsecond is not zero).
        try (SiteverifyClient c = MockServer.gatekeeperClient().connectTimeout(Duration.ofNanos(1500)).build()) {
            assertFalse(c.isClosed());
        }
    }

    @Test
    void stringsThatCannotReachCExactlyAreRefused() {
        SiteverifyClient.Builder b = MockServer.gatekeeperClient();
        // A NUL would silently cut the string short in C.
        b.expectedHostname("example.com\0.evil.net");
        assertThrows(InvalidArgumentException.class, b::build);
        SiteverifyClient.Builder c = MockServer.gatekeeperClient().expectedAction("login\uD800");
        assertThrows(InvalidArgumentException.class, c::build);
    }

    @Test
    void configurationErrorsComeFromTheCore() {
        ConfigurationException missing = assertThrows(ConfigurationException.class,
                () -> SiteverifyClient.builder(Provider.PROSOPO).build());
        assertEquals("configuration", missing.code());
        assertEquals(Abi.SV_CONFIGURATION, missing.status());
        assertThrows(ConfigurationException.class, () -> SiteverifyClient.builder(Provider.PROSOPO).secret("").build());
        assertThrows(ConfigurationException.class,
                () -> MockServer.gatekeeperClient().timeout(Duration.ZERO).build());
        assertThrows(ConfigurationException.class,
                () -> MockServer.gatekeeperClient().scoreThreshold(Double.NaN).build());
        assertThrows(ConfigurationException.class,
                () -> MockServer.gatekeeperClient().caFile(Path.of("/nonexistent/ca.pem")).build());
        assertThrows(ConfigurationException.class,
                () -> MockServer.gatekeeperClient().caPem("not a certificate").build());
        assertThrows(ConfigurationException.class, () -> FailMode.fromCode("sometimes"));
        assertThrows(ConfigurationException.class, () -> FailOpenPolicy.fromCode("maybe"));
        assertThrows(ConfigurationException.class, () -> Provider.fromCode("recaptcha"));
    }

    @Test
    void theSecretNeverShows() {
        SiteverifyClient.Builder b = SiteverifyClient.builder(Provider.GATEKEEPER).secret(SECRET)
                .endpoint("http://verify.example.com/api/v1/token/verify");
        assertFalse(b.toString().contains(SECRET), b.toString());
        assertTrue(b.toString().contains("secret=***"), b.toString());
        ConfigurationException e = assertThrows(ConfigurationException.class, b::build);
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        assertFalse(e.toString().contains(SECRET), e.toString());
        try (SiteverifyClient client = b.allowHttp(true).build()) {
            assertFalse(client.toString().contains(SECRET), client.toString());
        }
        ConfigurationException withCreds = assertThrows(ConfigurationException.class,
                () -> SiteverifyClient.builder(Provider.PROSOPO).secret(SECRET)
                        .endpoint("https://user:" + SECRET + "@api.prosopo.io/siteverify").build());
        assertFalse(withCreds.getMessage().contains(SECRET), withCreds.getMessage());
    }

    @Test
    void endpointsAndRegions() {
        try (SiteverifyClient c = SiteverifyClient.builder(Provider.PROSOPO).secret("s").region("eu").build()) {
            assertEquals("https://eu-api.prosopo.io/siteverify", c.endpoint());
            assertEquals(Provider.PROSOPO, c.provider());
        }
        try (SiteverifyClient c = SiteverifyClient.builder(Provider.PROSOPO).secret("s").build()) {
            assertEquals("https://api.prosopo.io/siteverify", c.endpoint());
        }
        try (SiteverifyClient c = SiteverifyClient.builder(Provider.GATEKEEPER).secret("s").build()) {
            assertTrue(c.endpoint().startsWith("https://") && c.endpoint().endsWith("/api/v1/token/verify"),
                    c.endpoint());
        }
        try (SiteverifyClient c = MockServer.gatekeeperClient().build()) {
            assertEquals(MockServer.gatekeeper(), c.endpoint());
        }
    }

    @Test
    void everyOptionTakesEffect() {
        // Timeouts: a provider that never answers is given up on at the deadline.
        try (SiteverifyClient c = MockServer.prosopoClient().timeout(Duration.ofMillis(600))
                .attemptTimeout(Duration.ofMillis(150)).connectTimeout(Duration.ofMillis(500))
                .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(10)).build()) {
            long start = System.nanoTime();
            Outcome o = c.verify("hang");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(Reason.PROVIDER_UNAVAILABLE, o.reason());
            assertTrue(ms < 3000, ms + " ms");
            assertTrue(o.attempts() >= 2, o.toJson());
        }
        // Retries.
        try (SiteverifyClient c = MockServer.prosopoClient().maxRetries(0).build()) {
            Outcome o = c.verify("flaky:fails=1:id=" + MockServer.uniq("retries"));
            assertEquals(1, o.attempts());
            assertEquals(Reason.PROVIDER_UNAVAILABLE, o.reason());
        }
        // Hostnames, actions, score threshold, max age.
        try (SiteverifyClient c = MockServer.gatekeeperClient().expectedHostnames(List.of("a.example", "b.example"))
                .expectedActions(List.of("login")).scoreThreshold(0.3).maxAge(Duration.ofSeconds(60)).build()) {
            assertEquals(Reason.VERIFIED, c.verify("pass:hostname=b.example:action=login:score=0.1:age=5").reason());
            assertEquals(Reason.HOSTNAME_MISMATCH, c.verify("pass:hostname=c.example:action=login").reason());
            assertEquals(Reason.ACTION_MISMATCH, c.verify("pass:hostname=a.example:action=signup").reason());
            assertEquals(Reason.SCORE_ABOVE_THRESHOLD,
                    c.verify("pass:hostname=a.example:action=login:score=0.4").reason());
            assertEquals(Reason.CHALLENGE_TOO_OLD,
                    c.verify("pass:hostname=a.example:action=login:score=0.1:age=120").reason());
        }
        // Fail mode: open accepts only a confirmed outage. An unreachable provider is one (the
        // token was never sent); a 503 for one token while the provider answers others is not.
        try (SiteverifyClient c = SiteverifyClient.builder(Provider.PROSOPO).secret("mock-secret")
                .endpoint("http://127.0.0.1:1/siteverify").failMode(FailMode.OPEN).maxRetries(0).build()) {
            Outcome o = c.verify("pass");
            assertTrue(o.accepted(), o.toJson());
            assertFalse(o.conclusive(), o.toJson());
            assertTrue(o.detail().orElseThrow().contains("never sent"), o.toJson());
        }
        try (SiteverifyClient c = MockServer.prosopoClient().failMode(FailMode.OPEN).maxRetries(0).build()) {
            Outcome o = c.verify("status:code=503");
            assertFalse(o.accepted(), o.toJson());
            assertFalse(o.conclusive(), o.toJson());
            assertTrue(o.detail().orElseThrow().contains("not accepted by fail_mode=open"), o.toJson());
        }
        try (SiteverifyClient c = MockServer.prosopoClient().failMode(FailMode.CLOSED).maxRetries(0).build()) {
            assertFalse(c.verify("status:code=503").accepted());
        }
        // The fail-open policy follows the fail mode unless set: it reaches the core only when set.
        for (Object[] want : new Object[][] {
            {null, null, false}, {FailMode.CLOSED, null, false}, {FailMode.OPEN, null, true},
            {FailMode.OPEN, FailOpenPolicy.REJECT, false}, {FailMode.CLOSED, FailOpenPolicy.ACCEPT, true},
            {null, FailOpenPolicy.ACCEPT, true}, {null, FailOpenPolicy.REJECT, false},
        }) {
            SiteverifyClient.Builder b = MockServer.prosopoClient();
            if (want[0] != null) {
                b.failMode((FailMode) want[0]);
            }
            if (want[1] != null) {
                b.onFailOpen((FailOpenPolicy) want[1]);
            }
            try (SiteverifyClient c = b.build()) {
                Outcome o = c.verify("fail-open");
                assertEquals(want[2], o.accepted(), want[0] + "/" + want[1] + ": " + o.toJson());
                assertTrue(o.failOpenSuspected(), o.toJson());
                assertEquals(Reason.PROVIDER_FAIL_OPEN, o.reason(), o.toJson());
            }
        }
        // An explicit proxy that does not exist: the provider is unreachable through it.
        try (SiteverifyClient c = SiteverifyClient.builder(Provider.GATEKEEPER).secret("mock-secret")
                .endpoint("https://gatekeeper.invalid/api/v1/token/verify").proxy("http://127.0.0.1:9")
                .timeout(Duration.ofSeconds(2)).maxRetries(0).build()) {
            assertEquals(Reason.PROVIDER_UNAVAILABLE, c.verify("pass").reason());
        }
    }

    @Test
    void aBuilderBuildsManyClients() {
        SiteverifyClient.Builder b = MockServer.gatekeeperClient();
        try (SiteverifyClient one = b.build(); SiteverifyClient two = b.build()) {
            assertTrue(one.verify("pass").accepted());
            assertTrue(two.verify("pass").accepted());
            assertEquals(1, one.stats().verifications());
            assertEquals(1, two.stats().verifications());
        }
    }

    @Test
    void perCallOptions() {
        try (SiteverifyClient c = MockServer.prosopoClient().build()) {
            assertTrue(c.verify("pass", VerifyOptions.remoteIp("2001:db8::1").withEmail("alice@example.com"))
                    .accepted());
            assertTrue(c.verify("pass", null).accepted());
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> c.verify("pass", VerifyOptions.none().withEmail("alice@")));
            assertEquals("invalid-argument", e.code());
            assertThrows(InvalidArgumentException.class, () -> c.verify("pass", VerifyOptions.remoteIp("1.2.3.4\0")));
            // Errors are counted.
            assertTrue(c.stats().errors() >= 1);
        }
    }

    @Test
    void statsCarryEveryCounter() {
        try (SiteverifyClient c = MockServer.gatekeeperClient().build()) {
            c.verify("pass");
            c.verify("fail");
            c.verify("error:key=invalid-input-secret:status=401");
            c.verify("flaky:fails=1:id=" + MockServer.uniq("stats"));
            Stats s = c.stats();
            assertEquals(4, s.verifications());
            assertEquals(2, s.accepted());
            assertEquals(2, s.notAccepted());
            @SuppressWarnings("deprecation")
            long rejected = s.rejected();
            assertEquals(2, rejected);
            assertEquals(1, s.inconclusive());
            assertEquals(1, s.retries());
            assertEquals(2, s.count(Reason.VERIFIED));
            assertEquals(1, s.count(Reason.TOKEN_INVALID));
            assertEquals(1, s.count(Reason.PROVIDER_REJECTED_REQUEST));
            assertEquals(0, s.count(Reason.AMBIGUOUS_RETRY));
            assertTrue(s.byErrorKey().containsKey("invalid-input-response"), s.byErrorKey().toString());
            assertTrue(s.byErrorKey().containsKey("invalid-input-secret"), s.byErrorKey().toString());
            // toJson carries what sv_stats_to_json says.
            com.google.gson.JsonObject j = com.google.gson.JsonParser.parseString(s.toJson()).getAsJsonObject();
            assertEquals(4, j.get("verifications").getAsInt());
            assertEquals(2, j.getAsJsonObject("by_reason").get("verified").getAsInt());
            // fail_mode=closed never checks for an outage.
            assertEquals(0, s.outageProbes());
            assertEquals(0, s.outageAccepted());
            assertEquals(0, s.outageRefused());
            assertEquals(s.providerHealth(), j.get("provider_health").getAsString());
        }
    }

    @Test
    void statsCarryTheOutageCounters() {
        // Outages are provider-wide on the mock: a mock of this test's own.
        try (MockServer.Private mock = MockServer.startPrivate()) {
            SiteverifyClient.Builder open = SiteverifyClient.builder(Provider.PROSOPO).secret("mock-secret")
                    .endpoint(mock.prosopo()).failMode(FailMode.OPEN)
                    .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5));
            try (SiteverifyClient c = open.build()) {
                // A failure while the provider answers other tokens: not accepted.
                Outcome o = c.verify("error:key=API.UNKNOWN:status=500");
                assertFalse(o.accepted(), o.toJson());
                assertFalse(o.conclusive(), o.toJson());
                assertTrue(o.detail().orElseThrow().contains("not accepted by fail_mode=open"), o.toJson());
                Stats s = c.stats();
                assertEquals(1, s.outageRefused());
                assertEquals(0, s.outageAccepted());
                assertEquals(1, s.outageProbes());
                assertEquals("up", s.providerHealth());
            }
            try (SiteverifyClient c = open.build()) {
                // A provider-wide outage (every request, the probe too, gets 503): accepted, flagged.
                Outcome o = c.verify("outage:ms=3000");
                assertTrue(o.accepted(), o.toJson());
                assertFalse(o.verified(), o.toJson());
                assertFalse(o.conclusive(), o.toJson());
                assertEquals(Reason.PROVIDER_UNAVAILABLE, o.reason());
                Stats s = c.stats();
                assertEquals(1, s.outageAccepted());
                assertEquals(0, s.outageRefused());
                assertEquals(1, s.outageProbes());
                assertEquals("down", s.providerHealth());
                com.google.gson.JsonObject j = com.google.gson.JsonParser.parseString(s.toJson()).getAsJsonObject();
                assertEquals(1, j.get("outage_accepted").getAsInt());
                assertEquals(0, j.get("outage_refused").getAsInt());
                assertEquals(1, j.get("outage_probes").getAsInt());
                assertEquals("down", j.get("provider_health").getAsString());
            }
        }
    }
}
