package org.siteverify;

import java.lang.ref.Cleaner;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Verifies CAPTCHA tokens with one provider, secret and policy.
 *
 * <p>Build one client per configuration at startup and share it: it is thread-safe and keeps a
 * pool of open connections. {@link #close()} releases it (idempotent, thread-safe); any call
 * after that throws {@link SiteverifyException} with code {@code closed}. A client that is
 * never closed is released when it becomes unreachable.
 *
 * <pre>{@code
 * try (SiteverifyClient client = SiteverifyClient.builder(Provider.GATEKEEPER)
 *         .secret(System.getenv("GATEKEEPER_SECRET"))
 *         .expectedHostname("example.com")
 *         .scoreThreshold(0.5)
 *         .build()) {
 *     Outcome outcome = client.verify(token, VerifyOptions.remoteIp(ip));
 *     if (outcome.accepted()) { ... }
 * }
 * }</pre>
 *
 * <p>A verdict is never an exception: a bad token, a provider outage or a provider refusing the
 * secret are all {@link Outcome}s, with the fail mode applied. Exceptions mean the call itself was
 * wrong ({@link InvalidArgumentException}) or the client is closed.
 */
public final class SiteverifyClient implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Backend backend;
    private final NativeClient handle;
    private final Cleaner.Cleanable cleanable;
    private final Provider provider;
    private final String endpoint;
    private final Executor executor;

    SiteverifyClient(Backend backend, NativeClient handle, Provider provider, String endpoint, Executor executor) {
        this.backend = backend;
        this.handle = handle;
        this.provider = provider;
        this.endpoint = endpoint;
        this.executor = executor;
        this.cleanable = CLEANER.register(this, handle);
    }

    /** A builder for a client of {@code provider}, with every default. */
    public static Builder builder(Provider provider) {
        return new ClientBuilder(requireArg(provider, "provider"));
    }

    /** The provider this client verifies with. */
    public Provider provider() {
        return provider;
    }

    /** The verify URL the client posts to (the endpoint you set, a region's, or the provider's default). */
    public String endpoint() {
        return endpoint;
    }

    /** The native handle (for tests in this package). */
    NativeClient nativeHandle() {
        return handle;
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return handle.isClosed();
    }

    /**
     * Verifies a token, blocking the calling thread for at most the client's deadline
     * ({@link Builder#timeout(Duration)}, 10 s by default).
     *
     * @param token the token from the form (any string: it is passed as exact UTF-8 bytes; one with
     *     an unpaired surrogate has no UTF-8 form and is rejected locally as
     *     {@link Reason#TOKEN_INVALID}, with nothing sent)
     * @return the verdict; act on {@link Outcome#accepted()}
     * @throws InvalidArgumentException a null token
     * @throws SiteverifyException with code {@code closed} after {@link #close()}
     */
    public Outcome verify(String token) {
        return verify(token, VerifyOptions.none());
    }

    /**
     * Verifies a token with per-call options (the user's IP address, email).
     *
     * @throws InvalidArgumentException a null token, or an invalid remote IP or email
     * @throws SiteverifyException with code {@code closed} after {@link #close()}
     */
    public Outcome verify(String token, VerifyOptions options) {
        return verify(token, options, null);
    }

    /** {@link #verify(String, VerifyOptions)}, also handing the core's JSON of the outcome to {@code nativeJson} (tests). */
    Outcome verify(String token, VerifyOptions options, String[] nativeJson) {
        requireArg(token, "token");
        VerifyOptions opts = options == null ? VerifyOptions.none() : options;
        byte[] tok = Utf8.token(token);
        byte[] ip = Utf8.cBytes(opts.remoteIp(), "remote IP");
        byte[] email = Utf8.cBytes(opts.email(), "email");
        long client = handle.acquire();
        try {
            return backend.verify(client, tok, ip, email, nativeJson);
        } finally {
            handle.release();
        }
    }

    /** {@link #verifyAsync(String, VerifyOptions)} without options. */
    public CompletableFuture<Outcome> verifyAsync(String token) {
        return verifyAsync(token, VerifyOptions.none());
    }

    /**
     * Starts a verification and returns at once. The future completes on the client's executor
     * ({@link Builder#executor(Executor)}), never on a library thread, so dependent stages may
     * block or call {@link #verify(String)}.
     *
     * <p>Every failure arrives through the future, never as a thrown exception: an invalid
     * argument or a closed client complete it exceptionally with the same
     * {@link SiteverifyException} {@link #verify(String, VerifyOptions)} would throw.
     *
     * <p>Cancelling the future ({@code cancel(true)} or {@code cancel(false)}), or completing it
     * any other way first ({@code orTimeout}, {@code complete}), cancels the native verification:
     * its request is dropped. Closing the client does not cancel calls already started.
     */
    public CompletableFuture<Outcome> verifyAsync(String token, VerifyOptions options) {
        CompletableFuture<Outcome> future = new CompletableFuture<>();
        try {
            requireArg(token, "token");
            VerifyOptions opts = options == null ? VerifyOptions.none() : options;
            byte[] tok = Utf8.token(token);
            byte[] ip = Utf8.cBytes(opts.remoteIp(), "remote IP");
            byte[] email = Utf8.cBytes(opts.email(), "email");
            long client = handle.acquire();
            Async.Pending pending = Async.register(future, executor, backend);
            long task;
            try {
                // The library copies the token and options and takes its own client reference
                // before returning: all of them may go right after.
                task = backend.verifyAsync(client, tok, ip, email, pending.id);
            } catch (RuntimeException | Error e) {
                Async.unregister(pending);
                throw e;
            } finally {
                handle.release();
            }
            pending.attach(task);
        } catch (SiteverifyException e) {
            future.completeExceptionally(e);
        }
        return future;
    }

    /**
     * A snapshot of this client's counters.
     *
     * @throws SiteverifyException with code {@code closed} after {@link #close()}
     */
    public Stats stats() {
        long client = handle.acquire();
        try {
            return backend.stats(client);
        } finally {
            handle.release();
        }
    }

    /**
     * Releases the client. Idempotent and thread-safe. Calls already running finish normally
     * (the native client is freed after the last one); later calls fail with code {@code closed}.
     */
    @Override
    public void close() {
        cleanable.clean();
    }

    @Override
    public String toString() {
        return "SiteverifyClient[provider=" + provider + ", endpoint=" + endpoint
                + (isClosed() ? ", closed" : "") + "]";
    }

    static <T> T requireArg(T value, String what) {
        if (value == null) {
            throw new InvalidArgumentException(what + " must not be null");
        }
        return value;
    }

    /**
     * Options for a {@link SiteverifyClient}, one setter per option of the core ({@link ClientBuilder}
     * implements it). A setter records its value; {@link #build()} hands every value, in the order
     * set, to the core under the core's option name, and the core checks it: any invalid value (a
     * negative or absurd duration, a count out of range, a malformed URL, an option the provider
     * cannot use) is a {@link ConfigurationException} from {@code build()}, with the same code
     * every other siteverify binding gives. Setters throw only for what cannot reach the core: a
     * null ({@link InvalidArgumentException}), and, at {@code build()}, a string with a NUL
     * character or an unpaired surrogate ({@link InvalidArgumentException}). Setting an option
     * twice keeps the last value; the list options add. A builder is not thread-safe; it can build
     * many clients.
     */
    public sealed interface Builder permits ClientBuilder {
        // BEGIN GENERATED java-builder (siteverify-vocab; edit core/, then `make vocab`)
        /**
         * {@code secret}: the secret key. Read it from the environment or a secret store, never
         * from code. Required. Never shown by {@code toString()} or in error messages.
         */
        Builder secret(String secret);

        /**
         * {@code site_key}: the site key tokens must belong to: hCaptcha and Friendly (optional,
         * recommended), reCAPTCHA Enterprise (required); refused by the other providers. Default:
         * none.
         */
        Builder siteKey(String siteKey);

        /** {@code project_id}: the Google Cloud project ID (reCAPTCHA Enterprise only, required). Default: none. */
        Builder projectId(String projectId);

        /**
         * {@code endpoint}: a custom verify URL, path included (HTTPS, or plain HTTP to loopback).
         * Excludes {@link #region(String)}. Default: the provider's.
         */
        Builder endpoint(String endpoint);

        /**
         * {@code region}: a regional endpoint: Prosopo {@code eu}, {@code us} or {@code global};
         * Friendly {@code eu} or {@code global}. Default: global.
         */
        Builder region(String region);

        /** {@code timeout}: total deadline for one verification, retries included (at most 300 s). Default: 10 s. */
        Builder timeout(Duration timeout);

        /** {@code connect_timeout}: TCP and TLS connect timeout. Default: 3 s. */
        Builder connectTimeout(Duration connectTimeout);

        /** {@code attempt_timeout}: timeout of a single attempt, capped by the total deadline. Default: 6 s. */
        Builder attemptTimeout(Duration attemptTimeout);

        /**
         * {@code max_retries}: retries after the first attempt, on connect errors, timeouts, 5xx
         * and 429 only (at most 10). Default: 2.
         */
        Builder maxRetries(int maxRetries);

        /**
         * {@code retry_base_delay}: backoff ceiling of the first retry; doubles per retry, full
         * jitter. Default: 200 ms.
         */
        Builder retryBaseDelay(Duration retryBaseDelay);

        /** {@code retry_max_delay}: backoff cap, at least {@link #retryBaseDelay(Duration)}. Default: 2 s. */
        Builder retryMaxDelay(Duration retryMaxDelay);

        /**
         * {@code expected_hostnames}, one more: accepted hostnames (exact, case-insensitive); any
         * one passes. Refused by a provider that reports no hostname. Default: none.
         */
        Builder expectedHostname(String expectedHostname);

        /** {@code expected_hostnames}, several more: see {@link #expectedHostname(String)}. */
        Builder expectedHostnames(Iterable<String> expectedHostnames);

        /**
         * {@code expected_actions}, one more: accepted actions (exact, case-sensitive); any one
         * passes. Refused by a provider that reports no action. Default: none.
         */
        Builder expectedAction(String expectedAction);

        /** {@code expected_actions}, several more: see {@link #expectedAction(String)}. */
        Builder expectedActions(Iterable<String> expectedActions);

        /**
         * {@code score_threshold}: reject scores above this (0 = human, 1 = bot); a missing score
         * is rejected too. Refused by a provider that reports no score. Default: none.
         */
        Builder scoreThreshold(double scoreThreshold);

        /**
         * {@code max_age}: reject challenges solved longer ago than this. Refused by a provider
         * that reports no timestamp. Default: none.
         */
        Builder maxAge(Duration maxAge);

        /**
         * {@code fail_mode}: what an inconclusive outcome becomes; {@code open} accepts one only
         * during a confirmed outage. Default: closed. One of {@link FailMode#CLOSED},
         * {@link FailMode#OPEN}.
         */
        Builder failMode(FailMode failMode);

        /**
         * {@code on_fail_open}: what a suspected provider fail-open counts as; unset, rejected
         * under {@code closed}, accepted under {@code open}. Default: follows fail_mode. One of
         * {@link FailOpenPolicy#ACCEPT}, {@link FailOpenPolicy#REJECT}.
         */
        Builder onFailOpen(FailOpenPolicy onFailOpen);

        /**
         * {@code proxy}: a proxy URL: {@code http://}, {@code https://}, {@code socks5://} or
         * {@code socks5h://}. Refused with a plain-HTTP endpoint (the proxy would see the secret).
         * Default: HTTPS_PROXY / ALL_PROXY / NO_PROXY.
         */
        Builder proxy(String proxy);

        /**
         * {@code ca_pems}, one more: extra trusted CA certificates, as PEM text, besides the system
         * store. Default: none.
         */
        Builder caPem(String caPem);

        /**
         * {@code ca_files}, one more: extra trusted CA certificates, as PEM files read at build
         * time. Default: none.
         */
        Builder caFile(Path caFile);

        /**
         * {@code allow_http}: allow a plain-HTTP endpoint that is not loopback (the secret then
         * travels in the clear). Default: false.
         */
        Builder allowHttp(boolean allowHttp);
        // END GENERATED java-builder

        /** {@link #endpoint(String)}, from a URI. */
        Builder endpoint(URI url);

        /** {@link #retryBaseDelay(Duration)} and {@link #retryMaxDelay(Duration)} at once. */
        Builder retryBackoff(Duration base, Duration max);

        /**
         * Where {@link SiteverifyClient#verifyAsync} futures complete, and so where their
         * non-async dependent stages run (a Java-side setting, not a core option). Default: the
         * executor {@code CompletableFuture} uses for its own async methods (the common pool).
         */
        Builder executor(Executor executor);

        /**
         * Calls {@code consumer} after every verification of the clients built from here with a
         * {@link VerificationEvent} (never the token or the secret). Consumers add up (logging and
         * metrics, say) and run in the order added, on the verifying thread (a library thread for
         * {@code verifyAsync}), after the verdict is final: keep them quick. One that throws is
         * ignored: it can never change or lose a verdict. A Java-side setting, not a core option.
         */
        Builder onEvent(java.util.function.Consumer<? super VerificationEvent> consumer);

        /**
         * Logs each verification on the {@link System.Logger} named {@code org.siteverify} (so
         * SLF4J, Log4j or java.util.logging, whichever the application routes it to): accepted at
         * {@code DEBUG}, not accepted at {@code INFO}, a request the provider refused, a TLS failure
         * or a provider fail-open answer at {@code WARNING} (the levels of the Rust core's
         * {@code tracing} event). Off by default. The line holds the token's fingerprint, never the
         * token or the secret.
         */
        Builder logEvents(boolean log);

        /**
         * Builds the client. The builder can be reused.
         *
         * @throws ConfigurationException an option the core refused (the message names it, never its
         *     value); a missing secret
         * @throws InvalidArgumentException a string option with a NUL character or an unpaired surrogate
         * @throws UnsatisfiedLinkError libsiteverify cannot be found
         */
        SiteverifyClient build();
    }
}
