package org.siteverify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of tests/vectors/*.json against the mock, blocking and async (the format is in
 * tests/vectors/README.md; the reference runners are core/tests/common/mod.rs and tests/c/test_vectors.c).
 */
class VectorsTest {
    enum Mode { SYNC, ASYNC }

    record Case(String file, JsonObject json) {
        String name() {
            return json.get("name").getAsString();
        }
    }

    static List<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(TestPaths.vectors())) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        for (Path f : files) {
            JsonObject doc = JsonParser.parseString(Files.readString(f)).getAsJsonObject();
            for (JsonElement c : doc.getAsJsonArray("cases")) {
                cases.add(new Case(f.getFileName().toString(), c.getAsJsonObject()));
            }
        }
        return cases;
    }

    @Test
    void theVectorsAreThere() throws IOException {
        List<Case> cases = cases();
        assertTrue(cases.size() > 90, "only " + cases.size() + " vector cases in " + TestPaths.vectors());
        assertEquals(cases.size(), cases.stream().map(Case::name).distinct().count(), "case names are unique");
    }

    @TestFactory
    Stream<DynamicTest> vectors() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases()) {
            tests.add(DynamicTest.dynamicTest(c.file() + " " + c.name() + " [sync]", () -> run(c, Mode.SYNC)));
            if (!c.json().has("expect_config_error")) {
                tests.add(DynamicTest.dynamicTest(c.file() + " " + c.name() + " [async]", () -> run(c, Mode.ASYNC)));
            }
        }
        return tests.stream();
    }

    /**
     * Applies a vector's config to a builder through the typed setters, every value as JSON typed
     * it (a duration in the vector's unit), so that the core alone judges it. What the Java types
     * cannot express (a provider or fail-mode word the enums do not know) goes to the core by name
     * as the text it is, as the C runner passes it.
     */
    static SiteverifyClient.Builder configure(String provider, JsonObject cfg) {
        SiteverifyClient.Builder b = knows(Provider.values(), provider)
                ? SiteverifyClient.builder(Provider.fromCode(provider))
                : new ClientBuilder(provider);
        b.secret(cfg.has("secret") ? cfg.get("secret").getAsString() : "mock-secret");
        if (cfg.has("endpoint")) {
            b.endpoint(cfg.get("endpoint").getAsString().replace("{mock}", MockServer.url()));
        } else if (!cfg.has("region")) {
            b.endpoint(provider.equals("prosopo") ? MockServer.prosopo() : MockServer.gatekeeper());
        }
        for (Map.Entry<String, JsonElement> e : cfg.entrySet()) {
            JsonElement v = e.getValue();
            switch (e.getKey()) {
                case "secret", "endpoint" -> { }
                case "region" -> b.region(v.getAsString());
                case "timeout_ms" -> b.timeout(Duration.ofMillis(v.getAsLong()));
                case "connect_timeout_ms" -> b.connectTimeout(Duration.ofMillis(v.getAsLong()));
                case "attempt_timeout_ms" -> b.attemptTimeout(Duration.ofMillis(v.getAsLong()));
                case "max_retries" -> b.maxRetries(v.getAsInt());
                case "retry_base_delay_ms" -> b.retryBaseDelay(Duration.ofMillis(v.getAsLong()));
                case "retry_max_delay_ms" -> b.retryMaxDelay(Duration.ofMillis(v.getAsLong()));
                case "expected_hostnames" -> v.getAsJsonArray().forEach(h -> b.expectedHostname(h.getAsString()));
                case "expected_actions" -> v.getAsJsonArray().forEach(a -> b.expectedAction(a.getAsString()));
                case "score_threshold" -> b.scoreThreshold(v.getAsDouble());
                case "max_age_seconds" -> b.maxAge(Duration.ofSeconds(v.getAsLong()));
                case "fail_mode" -> {
                    if (knows(FailMode.values(), v.getAsString())) {
                        b.failMode(FailMode.fromCode(v.getAsString()));
                    } else {
                        ((ClientBuilder) b).option(ClientOption.text("fail_mode", v.getAsString()));
                    }
                }
                case "on_fail_open" -> {
                    if (knows(FailOpenPolicy.values(), v.getAsString())) {
                        b.onFailOpen(FailOpenPolicy.fromCode(v.getAsString()));
                    } else {
                        ((ClientBuilder) b).option(ClientOption.text("on_fail_open", v.getAsString()));
                    }
                }
                case "proxy" -> b.proxy(v.getAsString());
                case "allow_http" -> b.allowHttp(v.getAsBoolean());
                default -> fail("unknown config key " + e.getKey() + ": teach VectorsTest about it");
            }
        }
        return b;
    }

    /** True when one of {@code values} prints as {@code word} (the enums print their core names). */
    private static boolean knows(Object[] values, String word) {
        for (Object v : values) {
            if (v.toString().equals(word)) {
                return true;
            }
        }
        return false;
    }

    static String token(JsonElement t, Mode mode) {
        if (t.isJsonPrimitive()) {
            return t.getAsString().replace("{uniq}", MockServer.uniq("java-" + mode.name().toLowerCase()));
        }
        JsonObject o = t.getAsJsonObject();
        return o.get("repeat").getAsString().repeat(o.get("count").getAsInt());
    }

    static Outcome verify(SiteverifyClient client, String token, VerifyOptions opts, Mode mode, String[] json)
            throws Exception {
        if (mode == Mode.SYNC) {
            return client.verify(token, opts, json);
        }
        try {
            return client.verifyAsync(token, opts).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SiteverifyException se) {
                throw se;
            }
            throw e;
        }
    }

    static void run(Case c, Mode mode) throws Exception {
        JsonObject k = c.json();
        String provider = k.get("provider").getAsString();
        JsonObject cfg = k.has("config") ? k.getAsJsonObject("config") : new JsonObject();

        if (k.has("expect_config_error")) {
            JsonElement want = k.get("expect_config_error");
            SiteverifyClient client = null;
            try {
                client = configure(provider, cfg).build();
                assertTrue(want.isJsonNull(), c.name() + ": built, but want " + want);
            } catch (SiteverifyException e) {
                assertFalse(want.isJsonNull(), c.name() + ": build failed: " + e);
                assertEquals(want.getAsString(), e.code(), c.name() + ": " + e);
                if (e.code().equals("configuration")) {
                    assertInstanceOf(ConfigurationException.class, e);
                }
            } finally {
                if (client != null) {
                    client.close();
                }
            }
            return;
        }

        try (SiteverifyClient client = configure(provider, cfg).build()) {
            String token = token(k.get("token"), mode);
            VerifyOptions opts = VerifyOptions.none();
            if (k.has("options")) {
                JsonObject o = k.getAsJsonObject("options");
                if (o.has("remote_ip")) {
                    opts = opts.withRemoteIp(o.get("remote_ip").getAsString());
                }
                if (o.has("email")) {
                    opts = opts.withEmail(o.get("email").getAsString());
                }
            }
            int prior = k.has("prior_verifications") ? k.get("prior_verifications").getAsInt() : 0;
            for (int i = 0; i < prior; i++) {
                try {
                    verify(client, token, opts, mode, null);
                } catch (SiteverifyException ignored) {
                    // results of earlier sightings do not matter
                }
            }
            String[] nativeJson = new String[1];
            if (k.has("expect_error")) {
                String want = k.get("expect_error").getAsString();
                try {
                    Outcome o = verify(client, token, opts, mode, nativeJson);
                    fail(c.name() + ": want error " + want + ", got outcome " + o.toJson());
                } catch (SiteverifyException e) {
                    assertEquals(want, e.code(), c.name() + ": " + e);
                    if (want.equals("invalid-argument")) {
                        assertInstanceOf(InvalidArgumentException.class, e);
                    }
                }
                return;
            }
            Outcome o = verify(client, token, opts, mode, nativeJson);
            compare(c.name(), o, k.getAsJsonObject("expect"));
            if (mode == Mode.SYNC) {
                // The Java outcome carries exactly what the library's JSON says.
                assertNotNull(nativeJson[0]);
                assertEquals(JsonParser.parseString(nativeJson[0]), JsonParser.parseString(o.toJson()),
                        c.name() + ": toJson() differs from sv_outcome_to_json");
            }
        }
    }

    static void compare(String name, Outcome o, JsonObject expect) {
        for (Map.Entry<String, JsonElement> e : expect.entrySet()) {
            String key = e.getKey();
            JsonElement w = e.getValue();
            String msg = name + ": field " + key + " differs; outcome " + o.toJson();
            switch (key) {
                case "accepted" -> assertEquals(w.getAsBoolean(), o.accepted(), msg);
                case "verified" -> assertEquals(w.getAsBoolean(), o.verified(), msg);
                case "conclusive" -> assertEquals(w.getAsBoolean(), o.conclusive(), msg);
                case "retryable" -> assertEquals(w.getAsBoolean(), o.retryable(), msg);
                case "fail_open_suspected" -> assertEquals(w.getAsBoolean(), o.failOpenSuspected(), msg);
                case "reason" -> {
                    assertEquals(w.getAsString(), o.reason().code(), msg);
                    assertEquals(Reason.fromCode(w.getAsString()), o.reason(), msg);
                }
                case "attempts" -> assertEquals(w.getAsInt(), o.attempts(), msg);
                case "http_status" -> assertEquals(
                        w.isJsonNull() ? OptionalInt.empty() : OptionalInt.of(w.getAsInt()), o.httpStatus(), msg);
                case "score" -> {
                    OptionalDouble s = o.score();
                    if (w.isJsonNull()) {
                        assertTrue(s.isEmpty(), msg);
                    } else {
                        assertTrue(s.isPresent(), msg);
                        assertEquals(w.getAsDouble(), s.getAsDouble(), 1e-9, msg);
                    }
                }
                case "hostname" -> assertEquals(str(w), o.hostname(), msg);
                case "action" -> assertEquals(str(w), o.action(), msg);
                case "challenge_ts" -> assertEquals(str(w), o.challengeTs(), msg);
                case "timestamp" -> assertEquals(str(w), o.timestamp(), msg);
                case "error_key" -> assertEquals(str(w), o.errorKey(), msg);
                case "provider_reason" -> assertEquals(str(w), o.providerReason(), msg);
                case "detail" -> assertEquals(str(w), o.detail(), msg);
                case "error_codes" -> {
                    JsonArray a = w.getAsJsonArray();
                    List<String> want = new ArrayList<>();
                    a.forEach(x -> want.add(x.getAsString()));
                    assertEquals(want, o.errorCodes(), msg);
                }
                default -> fail(name + ": unknown expect field " + key + ": teach VectorsTest about it");
            }
        }
    }

    private static Optional<String> str(JsonElement w) {
        return w.isJsonNull() ? Optional.empty() : Optional.of(w.getAsString());
    }
}
