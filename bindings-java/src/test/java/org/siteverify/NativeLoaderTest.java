package org.siteverify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The library lookup every release shares: configured path, jar resource, java.library.path. */
class NativeLoaderTest {
    private static <T> T withProperty(String value, java.util.function.Supplier<T> body) {
        String old = System.getProperty(NativeLoader.PROPERTY);
        try {
            if (value == null) {
                System.clearProperty(NativeLoader.PROPERTY);
            } else {
                System.setProperty(NativeLoader.PROPERTY, value);
            }
            return body.get();
        } finally {
            if (old == null) {
                System.clearProperty(NativeLoader.PROPERTY);
            } else {
                System.setProperty(NativeLoader.PROPERTY, old);
            }
        }
    }

    @Test
    void aDirectoryOrEitherLibraryFileFindsBoth() {
        Path dir = Path.of(System.getProperty(NativeLoader.PROPERTY));
        Path c = dir.resolve("libsiteverify.so");
        Path jni = dir.resolve("libsiteverify_jni.so");
        assertEquals(jni, withProperty(dir.toString(), () -> NativeLoader.locate("siteverify_jni")).path());
        assertEquals(c, withProperty(dir.toString(), () -> NativeLoader.locate("siteverify")).path());
        // One setting naming the C library serves the JNI path, and the other way round.
        assertEquals(jni, withProperty(c.toString(), () -> NativeLoader.locate("siteverify_jni")).path());
        assertEquals(c, withProperty(jni.toString(), () -> NativeLoader.locate("siteverify")).path());
        assertEquals(c, withProperty(c.toString(), () -> NativeLoader.locate("siteverify")).path());
    }

    @Test
    void aWrongPathSaysWhatToDo() {
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class,
                () -> withProperty("/nonexistent/dir", () -> NativeLoader.locate("siteverify_jni")));
        assertTrue(e.getMessage().contains("-D" + NativeLoader.PROPERTY), e.getMessage());
        assertTrue(e.getMessage().contains("make build"), e.getMessage());
    }

    @Test
    void withoutASettingAJarResourceIsExtracted() throws Exception {
        Assumptions.assumeTrue(NativeLoader.platform().equals("linux-x86_64"), "the test resource is for linux-x86_64");
        Assumptions.assumeTrue(System.getenv(NativeLoader.ENV) == null, "$" + NativeLoader.ENV + " is set");
        NativeLoader.Location l = withProperty(null, () -> NativeLoader.locate("siteverify_loadertest"));
        assertTrue(Files.isRegularFile(l.path()), String.valueOf(l.path()));
        assertEquals("libsiteverify_loadertest.so", l.path().getFileName().toString());
        assertTrue(Files.readString(l.path()).startsWith("not a real library"));
        assertTrue(l.source().contains("org/siteverify/native/linux-x86_64/libsiteverify_loadertest.so"), l.source());
        // Nothing configured and no resource: System.loadLibrary's turn.
        NativeLoader.Location none = withProperty(null, () -> NativeLoader.locate("siteverify_no_such_library"));
        assertNull(none.path());
        assertEquals("java.library.path", none.source());
    }
}
