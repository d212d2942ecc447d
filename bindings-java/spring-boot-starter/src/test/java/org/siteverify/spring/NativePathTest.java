package org.siteverify.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.siteverify.Siteverify;

/** The starter's suite runs on the JDK and native path the Makefile asked for. */
class NativePathTest {
    @Test
    void thePathAndReleaseAreTheOnesAskedFor() {
        int release = Runtime.version().feature();
        String want = System.getProperty("siteverify.test.release", "").trim();
        if (!want.isEmpty()) {
            assertThat(release).isEqualTo(Integer.parseInt(want));
        }
        String forced = System.getProperty("siteverify.backend", "").trim();
        assertThat(Siteverify.nativePath()).isEqualTo(!forced.isEmpty() ? forced : release >= 22 ? "ffm" : "jni");
    }
}
