package org.siteverify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;

/**
 * Tokens reach the library byte for byte: no injection, no truncation, no replacement. A token
 * with no UTF-8 form (an unpaired surrogate) is an invalid token, refused before anything is sent.
 */
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
    void aTokenWithAnUnpairedSurrogateIsAnInvalidTokenAndNothingIsSent() throws Exception {
        String[] tokens = {"ab\uDCFFcd", "pass\uD800", "\uDC00pass", "pass:note=\uD83D", "\uDE00\uD83D",
            "ab\uDCFF\uD83D\uDE00"};
        try (MockServer.Private mock = MockServer.startPrivate();
             SiteverifyClient g = SiteverifyClient.builder(Provider.GATEKEEPER).secret("mock-secret")
                     .endpoint(mock.gatekeeper()).build();
             SiteverifyClient p = SiteverifyClient.builder(Provider.PROSOPO).secret("mock-secret")
                     .endpoint(mock.prosopo()).build();
             SiteverifyClient open = SiteverifyClient.builder(Provider.GATEKEEPER).secret("mock-secret")
                     .endpoint(mock.gatekeeper()).failMode(FailMode.OPEN).build()) {
            long before = mock.requests();
            for (SiteverifyClient c : new SiteverifyClient[] {g, p, open}) {
                for (String token : tokens) {
                    Outcome o = c.verify(token);
                    assertFalse(o.accepted(), o.toJson());
                    assertTrue(o.conclusive(), o.toJson());
                    assertEquals(Reason.TOKEN_INVALID, o.reason(), o.toJson());
                    assertEquals(0, o.attempts(), o.toJson());
                    assertEquals(OptionalInt.empty(), o.httpStatus());
                    assertEquals(o, c.verifyAsync(token).get(10, TimeUnit.SECONDS));
                }
            }
            assertEquals(before, mock.requests(), "a token with an unpaired surrogate reached the provider");
            assertEquals(3L * tokens.length * 2, g.stats().verifications() + p.stats().verifications()
                    + open.stats().verifications());
            // The mock does count what reaches it.
            assertTrue(g.verify("pass").accepted());
            assertEquals(before + 1, mock.requests());
            // The remote IP and email stay argument errors, as does a null token.
            assertThrows(InvalidArgumentException.class, () -> g.verify("pass", VerifyOptions.remoteIp("1.2.3.4\uD800")));
            CompletionException e = assertThrows(CompletionException.class,
                    () -> g.verifyAsync("pass", VerifyOptions.none().withEmail("a\uDC00@example.com")).join());
            assertInstanceOf(InvalidArgumentException.class, e.getCause());
            assertThrows(InvalidArgumentException.class, () -> g.verify(null));
        }
    }

    @Test
    void tokenBytesAreExactAndNeverReplaced() {
        String valid = "pass:\u00fc\u6f22\uD83D\uDE00";
        assertArrayEquals(valid.getBytes(StandardCharsets.UTF_8), Utf8.token(valid));
        // An unpaired surrogate keeps its own three bytes (ED B3 BF: not UTF-8), never a '?'.
        assertArrayEquals(new byte[] {'a', 'b', (byte) 0xED, (byte) 0xB3, (byte) 0xBF, 'c', 'd'},
                Utf8.token("ab\uDCFFcd"));
        assertArrayEquals(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0xBD, (byte) 0xF0, (byte) 0x9F, (byte) 0x98,
            (byte) 0x80}, Utf8.token("\uD83D\uD83D\uDE00"));
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
