package org.siteverify;

/**
 * Picks the native path (Java 17 to 21: JNI). The jar's {@code META-INF/versions/22} holds
 * another version of this class that picks FFM on Java 22 and newer; both honour
 * {@code -Dsiteverify.backend=jni}.
 */
final class Backends {
    private Backends() {}

    /** {@code -Dsiteverify.backend}: {@code jni}, or {@code ffm} (Java 22+ only); unset picks by release. */
    static final String PROPERTY = "siteverify.backend";

    static Backend create() {
        String forced = System.getProperty(PROPERTY, "").trim();
        if (forced.equals("ffm")) {
            throw new UnsatisfiedLinkError("-D" + PROPERTY + "=ffm needs Java 22 or newer (this is Java "
                    + Runtime.version().feature() + ") and the siteverify jar on the class path");
        }
        if (!forced.isEmpty() && !forced.equals("jni")) {
            throw new UnsatisfiedLinkError("-D" + PROPERTY + " must be jni or ffm");
        }
        return new JniBackend();
    }
}
