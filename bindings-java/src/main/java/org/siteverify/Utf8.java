package org.siteverify;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Java strings to native UTF-8, strictly: nothing is replaced or silently cut. */
final class Utf8 {
    private Utf8() {}

    /** The exact UTF-8 bytes of {@code s}; an unpaired surrogate is an invalid argument, not a '?'. */
    static byte[] encode(String s, String what) {
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            if (b.hasArray()) {
                Arrays.fill(b.array(), (byte) 0);
            }
            return out;
        } catch (CharacterCodingException e) {
            throw new InvalidArgumentException(what + " is not valid Unicode (unpaired surrogate)");
        }
    }

    /**
     * The bytes of a string that becomes a C string on the FFM path: a NUL inside would cut it
     * short there, so it is refused on both paths. Null stays null.
     */
    static byte[] cBytes(String s, String what) {
        if (s == null) {
            return null;
        }
        if (s.indexOf('\0') >= 0) {
            throw new InvalidArgumentException(what + " contains a NUL character");
        }
        return encode(s, what);
    }
}
