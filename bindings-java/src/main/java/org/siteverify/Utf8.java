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
     * The bytes of a token: its exact UTF-8 when it is valid Unicode. A token with an unpaired
     * surrogate has no UTF-8 form; it is encoded without replacement (each unpaired surrogate as
     * its own three-byte sequence, as WTF-8 does), which is not UTF-8, so the core rejects it
     * locally as {@code token-invalid} without sending anything: a verdict, not an exception,
     * and never a lossy send.
     */
    static byte[] token(String s) {
        if (isWellFormed(s)) {
            return encode(s, "token");
        }
        byte[] out = new byte[s.length() * 3];
        int n = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i); // an unpaired surrogate comes back as itself
            i += Character.charCount(cp);
            if (cp < 0x80) {
                out[n++] = (byte) cp;
            } else if (cp < 0x800) {
                out[n++] = (byte) (0xC0 | cp >> 6);
                out[n++] = (byte) (0x80 | cp & 0x3F);
            } else if (cp < 0x10000) {
                out[n++] = (byte) (0xE0 | cp >> 12);
                out[n++] = (byte) (0x80 | cp >> 6 & 0x3F);
                out[n++] = (byte) (0x80 | cp & 0x3F);
            } else {
                out[n++] = (byte) (0xF0 | cp >> 18);
                out[n++] = (byte) (0x80 | cp >> 12 & 0x3F);
                out[n++] = (byte) (0x80 | cp >> 6 & 0x3F);
                out[n++] = (byte) (0x80 | cp & 0x3F);
            }
        }
        byte[] exact = Arrays.copyOf(out, n);
        Arrays.fill(out, (byte) 0);
        return exact;
    }

    /** True when every surrogate in {@code s} is part of a pair. */
    private static boolean isWellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
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
