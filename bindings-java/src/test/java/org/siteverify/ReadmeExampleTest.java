package org.siteverify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Test;
import org.siteverify.examples.CaptchaFilter;
import org.siteverify.examples.Demo;
import org.siteverify.examples.QuickStart;

/** The README's examples are these files, verbatim, and they run against the mock. */
class ReadmeExampleTest {
    /** An example file without its package line: what the README shows. */
    static String exampleBody(String file) throws IOException {
        String text = Files.readString(TestPaths.examples().resolve(file));
        return text.substring(text.indexOf('\n', text.indexOf("package ")) + 1).strip();
    }

    @Test
    void theReadmeShowsTheExamplesVerbatim() throws IOException {
        String readme = Files.readString(TestPaths.readme());
        for (String file : new String[] {"QuickStart.java", "CaptchaFilter.java"}) {
            assertTrue(readme.contains(exampleBody(file)),
                    "README.md must contain src/test/java/org/siteverify/examples/" + file + " (without its package line)");
        }
    }

    @Test
    void quickStartRunsAgainstTheMock() {
        assertTrue(QuickStart.run(MockServer.gatekeeper(), "pass:score=0.2", "mock-secret"));
        assertFalse(QuickStart.run(MockServer.gatekeeper(), "pass:score=0.9", "mock-secret"));
        assertFalse(QuickStart.run(MockServer.gatekeeper(), "pass:hostname=evil.example", "mock-secret"));
        assertThrows(InvalidArgumentException.class, () -> QuickStart.run(MockServer.gatekeeper(), "pass", null));
    }

    @Test
    void demoPrintsOneLineOfCoreJson() {
        String line = Demo.run(MockServer.url());
        assertFalse(line.contains("\n"));
        JsonObject o = JsonParser.parseString(line).getAsJsonObject();
        assertTrue(o.get("accepted").getAsBoolean());
        assertEquals("verified", o.get("reason").getAsString());
        assertEquals(0.2, o.get("score").getAsDouble(), 1e-9);
        assertEquals("example.com", o.get("hostname").getAsString());
        for (String k : new String[] {"verified", "conclusive", "challenge_ts", "timestamp", "error_key", "error_codes",
                "provider_reason", "http_status", "retryable", "attempts", "fail_open_suspected", "detail"}) {
            assertTrue(o.has(k), k);
        }
    }

    /** A servlet request and response just rich enough for the filter. */
    static final class Exchange {
        final Map<String, String> params = new HashMap<>();
        final Map<String, Object> attributes = new HashMap<>();
        final AtomicInteger error = new AtomicInteger();
        final AtomicBoolean passed = new AtomicBoolean();
        String method = "POST";

        HttpServletRequest request() {
            return (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> switch (m.getName()) {
                        case "getMethod" -> method;
                        case "getParameter" -> params.get((String) a[0]);
                        case "getRemoteAddr" -> "203.0.113.7";
                        case "setAttribute" -> attributes.put((String) a[0], a[1]);
                        case "getAttribute" -> attributes.get((String) a[0]);
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }

        HttpServletResponse response() {
            return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> {
                        if (m.getName().equals("sendError")) {
                            error.set((Integer) a[0]);
                            return null;
                        }
                        throw new UnsupportedOperationException(m.getName());
                    });
        }

        FilterChain chain() {
            return (req, res) -> passed.set(true);
        }
    }

    static Exchange post(CaptchaFilter filter, String token) throws Exception {
        Exchange x = new Exchange();
        if (token != null) {
            x.params.put("procaptcha-response", token);
        }
        filter.doFilter(x.request(), x.response(), x.chain());
        return x;
    }

    @Test
    void theServletFilterGuardsPosts() throws Exception {
        CaptchaFilter filter = new CaptchaFilter(MockServer.prosopoClient().build(), "procaptcha-response");
        try {
            Exchange ok = post(filter, "pass");
            assertTrue(ok.passed.get());
            assertEquals(0, ok.error.get());
            assertTrue(((Outcome) ok.attributes.get("siteverify.outcome")).accepted());

            Exchange bad = post(filter, "fail");
            assertFalse(bad.passed.get());
            assertEquals(403, bad.error.get());

            Exchange missing = post(filter, null);
            assertFalse(missing.passed.get());
            assertEquals(403, missing.error.get());

            Exchange down = post(filter, "status:code=503");
            assertFalse(down.passed.get());
            assertEquals(503, down.error.get());

            Exchange get = new Exchange();
            get.method = "GET";
            filter.doFilter(get.request(), get.response(), get.chain());
            assertTrue(get.passed.get());
        } finally {
            filter.destroy();
        }
    }
}
