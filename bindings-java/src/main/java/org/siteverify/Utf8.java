package org.siteverify;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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

    /** The bytes of {@code s} without a terminator, for pointer + length arguments (a NUL inside is kept). */
    static MemorySegment bytes(Arena arena, String s, String what) {
        byte[] b = encode(s, what);
        MemorySegment seg = arena.allocate(Math.max(1, b.length));
        MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, 0, b.length);
        return seg.asSlice(0, b.length);
    }

    /** A NUL-terminated copy of {@code s}; a NUL inside would cut it short in C, so it is refused. */
    static MemorySegment cString(Arena arena, String s, String what) {
        if (s.indexOf('\0') >= 0) {
            throw new InvalidArgumentException(what + " contains a NUL character");
        }
        byte[] b = encode(s, what);
        MemorySegment seg = arena.allocate(b.length + 1L);
        MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, 0, b.length);
        Arrays.fill(b, (byte) 0); // secrets pass through here: fewer stray copies (the String itself stays)
        return seg; // zeroed by the arena: the last byte is the terminator
    }
}
