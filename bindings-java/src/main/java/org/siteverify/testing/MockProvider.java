package org.siteverify.testing;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import org.siteverify.Provider;
import org.siteverify.SiteverifyClient;

/**
 * The siteverify mock provider, in-process, for your application's tests: it serves every
 * provider's verify API ({@link #endpoint}) on an ephemeral loopback port and answers by <em>scenario
 * token</em> — {@code pass}, {@code fail}, {@code expired}, {@code pass:score=0.9},
 * {@code status:code=503}, {@code timeout}, ... (the mock's README lists them all) — for the
 * secret {@value #DEFAULT_SECRET} (or one you choose), and the site key {@value #SITE_KEY} where
 * a provider takes one. It is the same mock every siteverify
 * binding and the standalone {@code siteverify-mock} binary serve, started through the native
 * library this JVM already uses (no process, no port to pick).
 *
 * <pre>{@code
 * try (MockProvider mock = MockProvider.start();
 *      SiteverifyClient client = mock.clientBuilder(Provider.PROSOPO).build()) {
 *     assertTrue(client.verify("pass").accepted());
 *     assertFalse(client.verify("fail").accepted());
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops it (idempotent); a client pointed at it then gets
 * {@code provider-unavailable}.
 */
public final class MockProvider implements AutoCloseable {
    /** The secret the mock accepts unless told otherwise. */
    public static final String DEFAULT_SECRET = "mock-secret";
    /** The site key the mock accepts ({@code siteKey}; besides the providers' own test keys). */
    public static final String SITE_KEY = "mock-site-key";
    /**
     * The reCAPTCHA Enterprise project ID in the mock's {@code endpoint(Provider.RECAPTCHA_ENTERPRISE)}
     * ({@code projectId}, required there with {@code siteKey}).
     */
    public static final String PROJECT_ID = "siteverify-mock";

    private final long handle;
    private final String secret;
    private final String url;
    private final String caPem;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MockProvider(long handle, String secret) {
        this.handle = handle;
        this.secret = secret;
        this.url = (String) call(Bridge.URL, handle);
        this.caPem = (String) call(Bridge.CA_PEM, handle);
    }

    /** Starts a plain-HTTP mock accepting {@value #DEFAULT_SECRET}. */
    public static MockProvider start() {
        return start(DEFAULT_SECRET, false);
    }

    /**
     * Starts a mock accepting {@code secret}; with {@code tls}, it serves HTTPS with a CA generated
     * now ({@link #caPem()}: give it to the client with {@link SiteverifyClient.Builder#caPem}).
     */
    public static MockProvider start(String secret, boolean tls) {
        Objects.requireNonNull(secret, "secret");
        long h = (long) call(Bridge.START, secret, tls);
        try {
            return new MockProvider(h, secret);
        } catch (RuntimeException | Error e) {
            call(Bridge.FREE, h);
            throw e;
        }
    }

    /** The base URL, {@code http://127.0.0.1:PORT} ({@code https://} in HTTPS mode). */
    public String url() {
        return url;
    }

    /** The verify URL for {@code provider}, to give the client as its {@code endpoint}. */
    public String endpoint(Provider provider) {
        Objects.requireNonNull(provider, "provider");
        String e = (String) call(Bridge.ENDPOINT, live(), provider.code());
        if (e == null) {
            throw new IllegalArgumentException("the mock does not serve " + provider);
        }
        return e;
    }

    /** HTTPS mode: the CA certificate (PEM) that signed the mock's certificate; null in plain mode. */
    public String caPem() {
        return caPem;
    }

    /** The secret this mock accepts. */
    public String secret() {
        return secret;
    }

    /** HTTP requests the mock has served so far (to assert that a locally rejected token sent none). */
    public long requests() {
        return (long) call(Bridge.REQUESTS, live());
    }

    /**
     * A client builder for {@code provider} already pointed at this mock, with its secret (and its
     * CA in HTTPS mode). Keys a provider takes besides the secret are yours to add, as in
     * production: {@code .siteKey(SITE_KEY).projectId(PROJECT_ID)} for reCAPTCHA Enterprise.
     */
    public SiteverifyClient.Builder clientBuilder(Provider provider) {
        SiteverifyClient.Builder b = SiteverifyClient.builder(provider).secret(secret).endpoint(endpoint(provider));
        return caPem == null ? b : b.caPem(caPem);
    }

    /** Stops the mock. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            call(Bridge.FREE, handle);
        }
    }

    @Override
    public String toString() {
        return "MockProvider[" + url + (closed.get() ? ", closed" : "") + "]";
    }

    private long live() {
        if (closed.get()) {
            throw new IllegalStateException("the mock provider is closed");
        }
        return handle;
    }

    private static Object call(MethodHandle h, Object... args) {
        try {
            return h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code org.siteverify.MockBridge}, package-private in this jar, through a private lookup. */
    private static final class Bridge {
        static final MethodHandle START;
        static final MethodHandle URL;
        static final MethodHandle ENDPOINT;
        static final MethodHandle CA_PEM;
        static final MethodHandle REQUESTS;
        static final MethodHandle FREE;

        static {
            try {
                Class<?> bridge = Class.forName("org.siteverify.MockBridge");
                MethodHandles.Lookup l = MethodHandles.privateLookupIn(bridge, MethodHandles.lookup());
                START = l.findStatic(bridge, "start", MethodType.methodType(long.class, String.class, boolean.class));
                URL = l.findStatic(bridge, "url", MethodType.methodType(String.class, long.class));
                ENDPOINT = l.findStatic(bridge, "endpoint",
                        MethodType.methodType(String.class, long.class, String.class));
                CA_PEM = l.findStatic(bridge, "caPem", MethodType.methodType(String.class, long.class));
                REQUESTS = l.findStatic(bridge, "requests", MethodType.methodType(long.class, long.class));
                FREE = l.findStatic(bridge, "free", MethodType.methodType(void.class, long.class));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }
}
