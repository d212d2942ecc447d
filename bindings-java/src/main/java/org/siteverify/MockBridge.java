package org.siteverify;

/**
 * The native mock provider for {@link org.siteverify.testing.MockProvider}, on this JVM's native
 * path ({@code sv_mock_*} over FFM, the {@code siteverify-mock} crate through JNI). Package-private:
 * {@code MockProvider} reaches it through a private lookup within this jar, so that it is no
 * public API of its own.
 */
final class MockBridge {
    private MockBridge() {}

    static long start(String secret, boolean tls) {
        return Backend.get().mockStart(secret == null ? null : Utf8.cBytes(secret, "secret"), tls);
    }

    static String url(long mock) {
        return Backend.get().mockUrl(mock);
    }

    static String endpoint(long mock, String provider) {
        return Backend.get().mockEndpoint(mock, provider);
    }

    static String caPem(long mock) {
        return Backend.get().mockCaPem(mock);
    }

    static long requests(long mock) {
        return Backend.get().mockRequests(mock);
    }

    static void free(long mock) {
        Backend.get().mockFree(mock);
    }
}
