package org.siteverify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The Java mirror of the header's #defines matches include/siteverify.h, and the loaded library. */
class AbiConstantsTest {
    private static final Pattern DEFINE = Pattern.compile("^#define\\s+(SV_[A-Z0-9_]+)\\s+(\\S.*?)\\s*$");

    static Map<String, String> headerDefines() throws IOException {
        Map<String, String> defines = new LinkedHashMap<>();
        for (String line : Files.readAllLines(TestPaths.header())) {
            Matcher m = DEFINE.matcher(line);
            if (m.matches()) {
                defines.put(m.group(1), m.group(2));
            }
        }
        return defines;
    }

    static Map<String, Object> javaConstants() throws IllegalAccessException {
        Map<String, Object> constants = new LinkedHashMap<>();
        for (Field f : Abi.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getName().startsWith("SV_")) {
                f.setAccessible(true);
                constants.put(f.getName(), f.get(null));
            }
        }
        return constants;
    }

    @Test
    void everyHeaderDefineIsMirroredWithTheSameValue() throws Exception {
        Map<String, String> header = headerDefines();
        Map<String, Object> java = javaConstants();
        assertTrue(header.size() >= 30, "only " + header.size() + " #defines found in " + TestPaths.header());
        for (Map.Entry<String, String> d : header.entrySet()) {
            assertTrue(java.containsKey(d.getKey()), "Abi.java lacks " + d.getKey() + " = " + d.getValue());
            Object v = java.get(d.getKey());
            String raw = d.getValue();
            if (raw.startsWith("\"")) {
                assertEquals(raw.substring(1, raw.length() - 1), v, d.getKey());
            } else {
                assertEquals(Integer.parseInt(raw), v, d.getKey());
            }
        }
        TreeSet<String> extra = new TreeSet<>(java.keySet());
        extra.removeAll(header.keySet());
        assertTrue(extra.isEmpty(), "Abi.java has constants the header does not: " + extra);
    }

    @Test
    void loadedLibraryMatchesTheHeader() {
        assertEquals(Abi.SV_ABI_VERSION, Siteverify.libraryAbiVersion());
        assertEquals(Abi.SV_VERSION, Siteverify.libraryVersion());
        assertEquals(Abi.SV_VERSION_MAJOR + "." + Abi.SV_VERSION_MINOR + "." + Abi.SV_VERSION_PATCH, Abi.SV_VERSION);
        assertTrue(Siteverify.librarySource().contains("libsiteverify"), Siteverify.librarySource());
    }

    @Test
    void enumsUseTheHeaderNumbers() {
        // Providers have no numbers here: each reaches the core by its name (BuilderTest).
        assertEquals(Abi.SV_FAIL_MODE_OPEN, FailMode.OPEN.number);
        assertEquals(Abi.SV_FAIL_MODE_CLOSED, FailMode.CLOSED.number);
        assertEquals(Abi.SV_FAIL_OPEN_ACCEPT, FailOpenPolicy.ACCEPT.number);
        assertEquals(Abi.SV_FAIL_OPEN_REJECT, FailOpenPolicy.REJECT.number);
    }

    @Test
    void reasonCodesAgreeWithTheLibrary() throws Exception {
        int known = 0;
        for (Reason r : Reason.values()) {
            if (r == Reason.UNKNOWN) {
                continue;
            }
            known++;
            assertEquals(r.code(), Backend.get().reasonStr(r.number()), r.name());
            assertEquals(r, Reason.fromNumber(r.number()));
            assertEquals(r, Reason.fromCode(r.code()));
            // SV_REASON_SCORE_MISSING <-> SCORE_MISSING
            assertEquals(Abi.class.getDeclaredField("SV_REASON_" + r.name()).getInt(null), r.number());
        }
        long headerReasons = headerDefines().keySet().stream().filter(k -> k.startsWith("SV_REASON_")).count();
        assertEquals(headerReasons, known, "every SV_REASON_* has a Reason");
        assertEquals(null, Backend.get().reasonStr(known), "the library knows more reasons than this binding");
        assertEquals(Reason.UNKNOWN, Reason.fromNumber(99));
    }

    @Test
    void statusNamesAgreeWithTheLibrary() {
        assertEquals("invalid-argument", Siteverify.statusName(Abi.SV_INVALID_ARGUMENT));
        assertEquals("configuration", Siteverify.statusName(Abi.SV_CONFIGURATION));
        assertEquals("null-argument", Siteverify.statusName(Abi.SV_NULL_ARGUMENT));
        assertEquals("cancelled", Siteverify.statusName(Abi.SV_CANCELLED));
        assertEquals("blocking-in-async-context", Siteverify.statusName(Abi.SV_BLOCKING_IN_ASYNC_CONTEXT));
        assertEquals("unknown", Siteverify.statusName(12345));
        assertEquals("configuration", new ConfigurationException("x").code());
        assertEquals("invalid-argument", new InvalidArgumentException("x").code());
        assertEquals(Abi.SV_CONFIGURATION, SiteverifyException.of(Abi.SV_CONFIGURATION, "configuration", "m").status());
        assertTrue(SiteverifyException.of(Abi.SV_CONFIGURATION, "configuration", "m") instanceof ConfigurationException);
        assertTrue(SiteverifyException.of(Abi.SV_INVALID_ARGUMENT, "invalid-argument", "m") instanceof InvalidArgumentException);
    }
}
