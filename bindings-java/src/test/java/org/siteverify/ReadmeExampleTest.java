package org.siteverify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
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
        for (String file : new String[] {"QuickStart.java", "SignupHandlerTest.java"}) {
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
}
