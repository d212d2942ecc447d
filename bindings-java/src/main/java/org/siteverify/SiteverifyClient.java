package org.siteverify;

import java.lang.ref.Cleaner;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    private SiteverifyClient(Backend backend, NativeClient handle, Provider provider, String endpoint,
                             Executor executor) {
        this.backend = backend;
        this.handle = handle;
        this.provider = provider;
        this.endpoint = endpoint;
        this.executor = executor;
        this.cleanable = CLEANER.register(this, handle);
    }

    /** A builder for a client of {@code provider}, with every default. */
    public static Builder builder(Provider provider) {
        return new Builder(provider);
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

    private static <T> T requireArg(T value, String what) {
        if (value == null) {
            throw new InvalidArgumentException(what + " must not be null");
        }
        return value;
    }

    private static long millis(Duration d, String what) {
        requireArg(d, what);
        if (d.isNegative()) {
            throw new InvalidArgumentException(what + " must not be negative");
        }
        try {
            long ms = d.toMillis();
            return ms == 0 && !d.isZero() ? 1 : ms; // under a millisecond is not zero
        } catch (ArithmeticException e) {
            throw new InvalidArgumentException(what + " is too large");
        }
    }

    /**
     * Options for a {@link SiteverifyClient}, covering every option of the core. Setters check
     * what Java can (nulls, negative durations, NUL characters) and throw
     * {@link InvalidArgumentException}; {@link #build()} lets the library check the rest and
     * throws {@link ConfigurationException}. A builder is not thread-safe; it can build many clients.
     */
    public static final class Builder {
        private final Provider provider;
        private String secret;
        private String endpoint;
        private String region;
        private final List<String> hostnames = new ArrayList<>();
        private final List<String> actions = new ArrayList<>();
        private String proxy;
        private final List<String> caPems = new ArrayList<>();
        private final List<String> caFiles = new ArrayList<>();
        private Long timeoutMs;
        private Long connectTimeoutMs;
        private Long attemptTimeoutMs;
        private Integer maxRetries;
        private long backoffBaseMs = -1;
        private long backoffMaxMs = -1;
        private Double scoreThreshold;
        private Long maxAgeSeconds;
        private FailMode failMode;
        private FailOpenPolicy onFailOpen;
        private Boolean allowHttp;
        private Executor executor;

        private Builder(Provider provider) {
            this.provider = requireArg(provider, "provider");
        }

        /** The secret key (required). Never shown by {@code toString()} or in error messages. */
        public Builder secret(String secret) {
            this.secret = requireArg(secret, "secret");
            return this;
        }

        /** A custom verify URL (https, or http to loopback); excludes {@link #region(String)}. */
        public Builder endpoint(String url) {
            this.endpoint = requireArg(url, "endpoint");
            return this;
        }

        /** A custom verify URL. */
        public Builder endpoint(URI url) {
            return endpoint(requireArg(url, "endpoint").toString());
        }

        /** A regional endpoint: Prosopo {@code "eu"}, {@code "us"} or {@code "global"}. */
        public Builder region(String region) {
            this.region = requireArg(region, "region");
            return this;
        }

        /** Adds an accepted hostname (exact, case-insensitive). GateKeeper only. */
        public Builder expectedHostname(String hostname) {
            hostnames.add(requireArg(hostname, "hostname"));
            return this;
        }

        /** Adds accepted hostnames. */
        public Builder expectedHostnames(Iterable<String> hostnames) {
            requireArg(hostnames, "hostnames").forEach(this::expectedHostname);
            return this;
        }

        /** Adds an accepted action (exact, case-sensitive). */
        public Builder expectedAction(String action) {
            actions.add(requireArg(action, "action"));
            return this;
        }

        /** Adds accepted actions. */
        public Builder expectedActions(Iterable<String> actions) {
            requireArg(actions, "actions").forEach(this::expectedAction);
            return this;
        }

        /**
         * An explicit proxy URL; without it HTTPS_PROXY/NO_PROXY apply. Refused at {@code build()} with a
         * plain-HTTP endpoint (the proxy would see the secret); environment proxies never apply to one.
         */
        public Builder proxy(String url) {
            this.proxy = requireArg(url, "proxy");
            return this;
        }

        /** Trusts the CA certificates in this PEM text too. */
        public Builder caPem(String pem) {
            caPems.add(requireArg(pem, "CA PEM"));
            return this;
        }

        /** Trusts the CA certificates in this PEM file too (read when building). */
        public Builder caFile(Path path) {
            caFiles.add(requireArg(path, "CA file").toString());
            return this;
        }

        /** Total deadline per verification, retries included (default 10 s; millisecond precision). */
        public Builder timeout(Duration timeout) {
            this.timeoutMs = millis(timeout, "timeout");
            return this;
        }

        /** Connect timeout (default 3 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeoutMs = millis(timeout, "connect timeout");
            return this;
        }

        /** Per-attempt timeout (default 6 s, capped by the total deadline). */
        public Builder attemptTimeout(Duration timeout) {
            this.attemptTimeoutMs = millis(timeout, "attempt timeout");
            return this;
        }

        /** Retries after the first attempt, on connect errors, timeouts, 5xx and 429 only (default 2). */
        public Builder maxRetries(int retries) {
            if (retries < 0) {
                throw new InvalidArgumentException("max retries must not be negative");
            }
            this.maxRetries = retries;
            return this;
        }

        /** Retry backoff: the first ceiling and the cap (defaults 200 ms and 2 s; full jitter). */
        public Builder retryBackoff(Duration base, Duration max) {
            this.backoffBaseMs = millis(base, "retry backoff base");
            this.backoffMaxMs = millis(max, "retry backoff max");
            return this;
        }

        /** Rejects scores above {@code threshold} (0 = human, 1 = bot), and missing scores. */
        public Builder scoreThreshold(double threshold) {
            this.scoreThreshold = threshold;
            return this;
        }

        /** Rejects challenges solved longer ago than this (whole seconds, rounded down). GateKeeper only. */
        public Builder maxAge(Duration maxAge) {
            long ms = millis(maxAge, "max age");
            this.maxAgeSeconds = ms / 1000;
            return this;
        }

        /**
         * {@link FailMode#CLOSED} (default) or {@link FailMode#OPEN}, which accepts an inconclusive
         * outcome only during a confirmed outage.
         */
        public Builder failMode(FailMode mode) {
            this.failMode = requireArg(mode, "fail mode");
            return this;
        }

        /**
         * {@link FailOpenPolicy#ACCEPT} or {@link FailOpenPolicy#REJECT}. Unset, it follows the fail
         * mode: rejected under {@link FailMode#CLOSED}, accepted and flagged under {@link FailMode#OPEN}.
         */
        public Builder onFailOpen(FailOpenPolicy policy) {
            this.onFailOpen = requireArg(policy, "fail-open policy");
            return this;
        }

        /** Allows a plain-HTTP endpoint that is not loopback (the secret then travels in the clear). */
        public Builder allowHttp(boolean allow) {
            this.allowHttp = allow;
            return this;
        }

        /**
         * Where {@link SiteverifyClient#verifyAsync} futures complete, and so where their
         * non-async dependent stages run. Default: the executor {@code CompletableFuture} uses
         * for its own async methods (the common pool).
         */
        public Builder executor(Executor executor) {
            this.executor = requireArg(executor, "executor");
            return this;
        }

        /**
         * Builds the client. The builder can be reused.
         *
         * @throws ConfigurationException the options are invalid (the message says which); a missing secret
         * @throws InvalidArgumentException an option the library refused as an argument
         * @throws UnsatisfiedLinkError libsiteverify cannot be found
         */
        public SiteverifyClient build() {
            Backend backend = Backend.get();
            ClientConfig config = config();
            long ptr;
            try {
                ptr = backend.build(config);
            } finally {
                config.wipe(); // the library copied it (and zeroizes its copy when freed)
            }
            NativeClient handle = new NativeClient(backend, ptr);
            String url;
            try {
                url = backend.endpoint(ptr);
            } catch (RuntimeException | Error e) {
                handle.close();
                throw e;
            }
            Executor ex = executor != null ? executor : new CompletableFuture<Void>().defaultExecutor();
            return new SiteverifyClient(backend, handle, provider, url, ex);
        }

        /** The options, checked and encoded; unset ones stay unset so that the core's defaults apply. */
        private ClientConfig config() {
            return new ClientConfig(
                    provider,
                    Utf8.cBytes(secret, "secret"),
                    Utf8.cBytes(endpoint, "endpoint"),
                    Utf8.cBytes(region, "region"),
                    Utf8.cBytes(proxy, "proxy"),
                    encodeAll(hostnames, "expected hostname"),
                    encodeAll(actions, "expected action"),
                    encodeAll(caPems, "CA PEM"),
                    encodeAll(caFiles, "CA file"),
                    timeoutMs == null ? -1 : timeoutMs,
                    connectTimeoutMs == null ? -1 : connectTimeoutMs,
                    attemptTimeoutMs == null ? -1 : attemptTimeoutMs,
                    maxRetries == null ? -1 : maxRetries,
                    backoffBaseMs,
                    backoffMaxMs,
                    maxAgeSeconds == null ? -1 : maxAgeSeconds,
                    scoreThreshold,
                    failMode,
                    onFailOpen,
                    allowHttp);
        }

        private static List<byte[]> encodeAll(List<String> values, String what) {
            List<byte[]> out = new ArrayList<>(values.size());
            for (String v : values) {
                out.add(Utf8.cBytes(v, what));
            }
            return out;
        }

        /** The options set, without the secret's value. */
        @Override
        public String toString() {
            StringBuilder s = new StringBuilder("SiteverifyClient.Builder[provider=").append(provider);
            s.append(", secret=").append(secret == null ? "unset" : "***");
            if (endpoint != null) {
                s.append(", endpoint=").append(endpoint);
            }
            if (region != null) {
                s.append(", region=").append(region);
            }
            if (!hostnames.isEmpty()) {
                s.append(", expectedHostnames=").append(hostnames);
            }
            if (!actions.isEmpty()) {
                s.append(", expectedActions=").append(actions);
            }
            if (proxy != null) {
                s.append(", proxy=set");
            }
            if (!caPems.isEmpty() || !caFiles.isEmpty()) {
                s.append(", extraCAs=").append(caPems.size() + caFiles.size());
            }
            if (timeoutMs != null) {
                s.append(", timeoutMs=").append(timeoutMs);
            }
            if (connectTimeoutMs != null) {
                s.append(", connectTimeoutMs=").append(connectTimeoutMs);
            }
            if (attemptTimeoutMs != null) {
                s.append(", attemptTimeoutMs=").append(attemptTimeoutMs);
            }
            if (maxRetries != null) {
                s.append(", maxRetries=").append(maxRetries);
            }
            if (backoffBaseMs >= 0) {
                s.append(", retryBackoffMs=").append(backoffBaseMs).append('/').append(backoffMaxMs);
            }
            if (scoreThreshold != null) {
                s.append(", scoreThreshold=").append(scoreThreshold);
            }
            if (maxAgeSeconds != null) {
                s.append(", maxAgeSeconds=").append(maxAgeSeconds);
            }
            if (failMode != null) {
                s.append(", failMode=").append(failMode);
            }
            if (onFailOpen != null) {
                s.append(", onFailOpen=").append(onFailOpen);
            }
            if (allowHttp != null) {
                s.append(", allowHttp=").append(allowHttp);
            }
            return s.append(']').toString();
        }
    }
}
