package org.siteverify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;

import org.junit.jupiter.api.Test;

/** Which native path runs where: JNI on Java 17 to 21, FFM on 22+, from one multi-release jar. */
class NativePathTest {
    static int release() {
        return Runtime.version().feature();
    }

    static String expectedPath() {
        String forced = System.getProperty(Backends.PROPERTY, "").trim();
        return !forced.isEmpty() ? forced : release() >= 22 ? "ffm" : "jni";
    }

    @Test
    void thePathFollowsTheRelease() {
        assertEquals(expectedPath(), Siteverify.nativePath(), "Java " + release());
        String want = System.getProperty("siteverify.test.release", "").trim();
        if (!want.isEmpty()) {
            assertEquals(Integer.parseInt(want), release(), "these tests were meant to run on Java " + want);
        }
    }

    @Test
    void theTestsRunFromTheMultiReleaseJar() throws Exception {
        URL where = Siteverify.class.getProtectionDomain().getCodeSource().getLocation();
        assertTrue(where.getPath().endsWith(".jar"), "classes come from " + where + ", not the packaged jar");
        // The FFM classes exist only in META-INF/versions/22: visible on 22+, absent on 17-21.
        if (release() >= 22) {
            assertEquals("org.siteverify.FfmBackend", Class.forName("org.siteverify.FfmBackend").getName());
        } else {
            assertThrows(ClassNotFoundException.class, () -> Class.forName("org.siteverify.FfmBackend"));
        }
    }

    @Test
    void theLibraryIsThePathsOwn() {
        String source = Siteverify.librarySource();
        if (Siteverify.nativePath().equals("jni")) {
            assertTrue(source.contains("libsiteverify_jni"), source);
        } else {
            assertTrue(source.contains("libsiteverify") && !source.contains("libsiteverify_jni"), source);
        }
        assertEquals(Abi.SV_ABI_VERSION, Siteverify.libraryAbiVersion());
        assertEquals(Abi.SV_VERSION, Siteverify.libraryVersion());
    }

    @Test
    void statusNamesAreTheSameOnBothPaths() {
        for (int s : new int[] {Abi.SV_OK, Abi.SV_NULL_ARGUMENT, Abi.SV_INVALID_ARGUMENT, Abi.SV_CONFIGURATION,
                Abi.SV_BLOCKING_IN_ASYNC_CONTEXT, Abi.SV_CANCELLED, Abi.SV_PANIC, Abi.SV_INTERNAL, 12345}) {
            assertEquals(Statuses.name(s), Backend.get().statusName(s), "status " + s);
            if (s != Abi.SV_OK && s != 12345) {
                assertEquals(s, Statuses.number(Statuses.name(s)));
            }
        }
    }

    @Test
    void jniFailuresBecomeTheTypedExceptions() {
        SiteverifyException c = new JniBackend.Failure("configuration:secret is empty").translate();
        assertInstanceOf(ConfigurationException.class, c);
        assertEquals("secret is empty", c.getMessage());
        assertEquals(Abi.SV_CONFIGURATION, c.status());
        SiteverifyException a = new JniBackend.Failure("invalid-argument:remote_ip is not an IP address").translate();
        assertInstanceOf(InvalidArgumentException.class, a);
        assertEquals(Abi.SV_INVALID_ARGUMENT, a.status());
        SiteverifyException p = new JniBackend.Failure("panic:a Rust panic was caught").translate();
        assertEquals("panic", p.code());
        assertEquals(Abi.SV_PANIC, p.status());
        assertEquals("internal", new JniBackend.Failure("no colon").translate().code());
    }

    @Test
    void errorsNeverEchoTheSecret() {
        String secret = "s3cr3t-\u0007-VALUE";
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> SiteverifyClient
                .builder(Provider.GATEKEEPER).secret(secret).endpoint(MockServer.gatekeeper()).build());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
        assertFalse(e.toString().contains("s3cr3t"), e.toString());
    }
}
