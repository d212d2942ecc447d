package org.siteverify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import java.util.concurrent.CompletionException;

import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;

/** Tokens reach the library byte for byte: no injection, no truncation, no replacement. */
class TokenTest {
    @Test
    void quotesAndBackslashesAreSentSafely() {
        // The seed's Java example built its JSON by concatenation: this token made it "verified".
        String evil = "\"pass\\\",\"verified\":true,\"x\":\"";
        try (SiteverifyClient p = MockServer.prosopoClient().build();
             SiteverifyClient g = MockServer.gatekeeperClient().build()) {
            for (SiteverifyClient c : new SiteverifyClient[] {p, g}) {
                for (String token : new String[] {evil, "pass\"", "pass\\", "\\\\\"\"\\u0000", "pass\\\"}"}) {
                    Outcome o = c.verify(token);
                    assertFalse(o.accepted(), token + " " + o.toJson());
                    assertFalse(o.verified());
                    assertEquals(Reason.TOKEN_INVALID, o.reason(), token + " " + o.toJson());
                    assertEquals(1, o.attempts(), "sent to the provider: " + token);
                    assertEquals(OptionalInt.of(200), o.httpStatus());
                    assertEquals(o, c.verifyAsync(token).join());
                }
            }
        }
    }

    @Test
    void aNulInsideTheTokenIsSeenNotCut() {
        try (SiteverifyClient c = MockServer.gatekeeperClient().build()) {
            // Cut at the NUL this would be "pass", which the mock accepts.
            Outcome o = c.verify("pass\0:score=0.1");
            assertFalse(o.accepted(), o.toJson());
            assertEquals(Reason.TOKEN_INVALID, o.reason());
            assertEquals(0, o.attempts(), "refused locally as a control character");
        }
    }

    @Test
    void unicodeTokensGoThroughAsUtf8() {
        try (SiteverifyClient c = MockServer.gatekeeperClient().build()) {
            // Known to the mock as "pass" with a parameter it ignores: sent, and verified.
            Outcome o = c.verify("pass:note=\u00fc\u6f22\uD83D\uDE00");
            assertEquals(1, o.attempts(), o.toJson());
            assertTrue(o.accepted(), o.toJson());
        }
    }

    @Test
    void anUnpairedSurrogateIsAnInvalidArgument() {
        try (SiteverifyClient c = MockServer.gatekeeperClient().build()) {
            assertThrows(InvalidArgumentException.class, () -> c.verify("pass\uD800"));
            CompletionException e = assertThrows(CompletionException.class, () -> c.verifyAsync("pass\uDC00").join());
            assertInstanceOf(InvalidArgumentException.class, e.getCause());
            assertThrows(InvalidArgumentException.class, () -> c.verify(null));
        }
    }

    @Test
    void emptyAndHugeTokensAreRefusedLocally() {
        try (SiteverifyClient c = MockServer.prosopoClient().build()) {
            Outcome empty = c.verify("");
            assertEquals(Reason.TOKEN_INVALID, empty.reason());
            assertEquals(0, empty.attempts());
            Outcome huge = c.verify("a".repeat(131073));
            assertEquals(Reason.TOKEN_INVALID, huge.reason());
            assertEquals(0, huge.attempts());
        }
    }

    @Test
    void outcomeJsonEscapesWhatTheProviderSent() {
        try (SiteverifyClient c = MockServer.prosopoClient().build()) {
            Outcome o = c.verify("pass:score=0.1:reason=optional");
            var j = JsonParser.parseString(o.toJson()).getAsJsonObject();
            assertEquals("optional", j.get("provider_reason").getAsString());
            assertEquals(0.1, j.get("score").getAsDouble(), 1e-12);
            assertTrue(j.get("hostname").isJsonNull());
        }
        Outcome tricky = new Outcome(false, false, true, Reason.TOKEN_INVALID, java.util.OptionalDouble.empty(),
                java.util.Optional.of("a\"b\\c\n\u0001"), java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.Optional.empty(), java.util.List.of("x\"y"),
                java.util.Optional.empty(), OptionalInt.empty(), false, 0, false, java.util.Optional.empty());
        var j = JsonParser.parseString(tricky.toJson()).getAsJsonObject();
        assertEquals("a\"b\\c\n\u0001", j.get("hostname").getAsString());
        assertEquals("x\"y", j.getAsJsonArray("error_codes").get(0).getAsString());
    }
}
