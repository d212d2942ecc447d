package org.siteverify;

import static org.siteverify.SiteverifyClient.requireArg;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The {@link SiteverifyClient.Builder}: each setter records a {@link ClientOption} under the
 * core's option name, and {@link #build()} hands them all to the core in the order set. Nothing
 * here validates, converts or defaults an option: the core does, for every binding alike.
 */
final class ClientBuilder implements SiteverifyClient.Builder {
    /** Options whose values {@link #toString()} never shows: the secret, a proxy URL (it may hold credentials), PEM text. */
    private static final Set<String> HIDDEN = Set.of("secret", "proxy", "ca_pems");

    private final String providerName;
    private final Provider provider;
    private final List<ClientOption> options = new ArrayList<>();
    private Executor executor;

    ClientBuilder(Provider provider) {
        this.provider = provider;
        this.providerName = provider.code();
    }

    /**
     * A builder for the provider the core knows by {@code name} (tests: an unknown name reaches the
     * core, which refuses it at {@link #build()}).
     */
    ClientBuilder(String name) {
        this.providerName = requireArg(name, "provider");
        this.provider = null;
    }

    /** Records an option as it is (tests: values the typed setters cannot express, such as an unknown word). */
    ClientBuilder option(ClientOption option) {
        options.add(option);
        return this;
    }

    private ClientBuilder text(String name, String value) {
        return option(ClientOption.text(name, requireArg(value, name)));
    }

    private ClientBuilder duration(String name, Duration value) {
        return option(ClientOption.duration(name, requireArg(value, name)));
    }

    @Override
    public ClientBuilder secret(String secret) {
        return text("secret", secret);
    }

    @Override
    public ClientBuilder endpoint(String url) {
        return text("endpoint", url);
    }

    @Override
    public ClientBuilder endpoint(URI url) {
        return endpoint(requireArg(url, "endpoint").toString());
    }

    @Override
    public ClientBuilder region(String region) {
        return text("region", region);
    }

    @Override
    public ClientBuilder expectedHostname(String hostname) {
        return text("expected_hostnames", hostname);
    }

    @Override
    public ClientBuilder expectedHostnames(Iterable<String> hostnames) {
        requireArg(hostnames, "expected_hostnames").forEach(this::expectedHostname);
        return this;
    }

    @Override
    public ClientBuilder expectedAction(String action) {
        return text("expected_actions", action);
    }

    @Override
    public ClientBuilder expectedActions(Iterable<String> actions) {
        requireArg(actions, "expected_actions").forEach(this::expectedAction);
        return this;
    }

    @Override
    public ClientBuilder proxy(String url) {
        return text("proxy", url);
    }

    @Override
    public ClientBuilder caPem(String pem) {
        return text("ca_pems", pem);
    }

    @Override
    public ClientBuilder caFile(Path path) {
        return text("ca_files", requireArg(path, "ca_files").toString());
    }

    @Override
    public ClientBuilder timeout(Duration timeout) {
        return duration("timeout", timeout);
    }

    @Override
    public ClientBuilder connectTimeout(Duration timeout) {
        return duration("connect_timeout", timeout);
    }

    @Override
    public ClientBuilder attemptTimeout(Duration timeout) {
        return duration("attempt_timeout", timeout);
    }

    @Override
    public ClientBuilder maxRetries(int retries) {
        return option(ClientOption.whole("max_retries", retries));
    }

    @Override
    public ClientBuilder retryBaseDelay(Duration delay) {
        return duration("retry_base_delay", delay);
    }

    @Override
    public ClientBuilder retryMaxDelay(Duration delay) {
        return duration("retry_max_delay", delay);
    }

    @Override
    public ClientBuilder retryBackoff(Duration base, Duration max) {
        requireArg(base, "retry_base_delay");
        requireArg(max, "retry_max_delay");
        return retryBaseDelay(base).retryMaxDelay(max);
    }

    @Override
    public ClientBuilder scoreThreshold(double threshold) {
        return option(ClientOption.number("score_threshold", threshold));
    }

    @Override
    public ClientBuilder maxAge(Duration maxAge) {
        return duration("max_age", maxAge);
    }

    @Override
    public ClientBuilder failMode(FailMode mode) {
        return text("fail_mode", requireArg(mode, "fail_mode").code());
    }

    @Override
    public ClientBuilder onFailOpen(FailOpenPolicy policy) {
        return text("on_fail_open", requireArg(policy, "on_fail_open").code());
    }

    @Override
    public ClientBuilder allowHttp(boolean allow) {
        return option(ClientOption.bool("allow_http", allow));
    }

    @Override
    public ClientBuilder executor(Executor executor) {
        this.executor = requireArg(executor, "executor");
        return this;
    }

    @Override
    public SiteverifyClient build() {
        Backend backend = Backend.get();
        long ptr = backend.build(providerName, options);
        NativeClient handle = new NativeClient(backend, ptr);
        String url;
        Provider p;
        try {
            url = backend.endpoint(ptr);
            p = provider != null ? provider : Provider.fromCode(providerName);
        } catch (RuntimeException | Error e) {
            handle.close();
            throw e;
        }
        Executor ex = executor != null ? executor : new CompletableFuture<Void>().defaultExecutor();
        return new SiteverifyClient(backend, handle, p, url, ex);
    }

    /** The options set, by the core's names, without the secret's, a proxy's or a PEM's value. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("SiteverifyClient.Builder[provider=").append(providerName);
        boolean secret = options.stream().anyMatch(o -> o.name().equals("secret"));
        s.append(", secret=").append(secret ? "***" : "unset");
        for (ClientOption o : options) {
            if (o.name().equals("secret")) {
                continue;
            }
            s.append(", ").append(o.name()).append('=');
            s.append(HIDDEN.contains(o.name()) ? "set" : String.valueOf(o.value()));
        }
        return s.append(']').toString();
    }
}
