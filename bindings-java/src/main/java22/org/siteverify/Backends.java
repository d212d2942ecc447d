package org.siteverify;

/**
 * Picks the native path on Java 22 and newer (this class is in the jar's
 * {@code META-INF/versions/22}): FFM over libsiteverify's C ABI, or JNI with
 * {@code -Dsiteverify.backend=jni}.
 */
final class Backends {
    private Backends() {}

    /** {@code -Dsiteverify.backend}: {@code jni} or {@code ffm}; unset picks {@code ffm} here. */
    static final String PROPERTY = "siteverify.backend";

    static Backend create() {
        String forced = System.getProperty(PROPERTY, "").trim();
        return switch (forced) {
            case "", "ffm" -> new FfmBackend();
            case "jni" -> new JniBackend();
            default -> throw new UnsatisfiedLinkError("-D" + PROPERTY + " must be jni or ffm");
        };
    }
}
