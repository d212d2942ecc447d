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
import java.util.function.Consumer;

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
    private final List<Consumer<? super VerificationEvent>> consumers = new ArrayList<>();
    private boolean logEvents;

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

    // BEGIN GENERATED java-builder (siteverify-vocab; edit core/, then `make vocab`)
    @Override
    public ClientBuilder secret(String secret) {
        return text("secret", secret);
    }

    @Override
    public ClientBuilder siteKey(String siteKey) {
        return text("site_key", siteKey);
    }

    @Override
    public ClientBuilder projectId(String projectId) {
        return text("project_id", projectId);
    }

    @Override
    public ClientBuilder endpoint(String endpoint) {
        return text("endpoint", endpoint);
    }

    @Override
    public ClientBuilder region(String region) {
        return text("region", region);
    }

    @Override
    public ClientBuilder timeout(Duration timeout) {
        return duration("timeout", timeout);
    }

    @Override
    public ClientBuilder connectTimeout(Duration connectTimeout) {
        return duration("connect_timeout", connectTimeout);
    }

    @Override
    public ClientBuilder attemptTimeout(Duration attemptTimeout) {
        return duration("attempt_timeout", attemptTimeout);
    }

    @Override
    public ClientBuilder maxRetries(int maxRetries) {
        return option(ClientOption.whole("max_retries", maxRetries));
    }

    @Override
    public ClientBuilder retryBaseDelay(Duration retryBaseDelay) {
        return duration("retry_base_delay", retryBaseDelay);
    }

    @Override
    public ClientBuilder retryMaxDelay(Duration retryMaxDelay) {
        return duration("retry_max_delay", retryMaxDelay);
    }

    @Override
    public ClientBuilder expectedHostname(String expectedHostname) {
        return text("expected_hostnames", expectedHostname);
    }

    @Override
    public ClientBuilder expectedHostnames(Iterable<String> expectedHostnames) {
        requireArg(expectedHostnames, "expected_hostnames").forEach(this::expectedHostname);
        return this;
    }

    @Override
    public ClientBuilder expectedAction(String expectedAction) {
        return text("expected_actions", expectedAction);
    }

    @Override
    public ClientBuilder expectedActions(Iterable<String> expectedActions) {
        requireArg(expectedActions, "expected_actions").forEach(this::expectedAction);
        return this;
    }

    @Override
    public ClientBuilder scoreThreshold(double scoreThreshold) {
        return option(ClientOption.number("score_threshold", scoreThreshold));
    }

    @Override
    public ClientBuilder maxAge(Duration maxAge) {
        return duration("max_age", maxAge);
    }

    @Override
    public ClientBuilder failMode(FailMode failMode) {
        return text("fail_mode", requireArg(failMode, "fail_mode").code());
    }

    @Override
    public ClientBuilder onFailOpen(FailOpenPolicy onFailOpen) {
        return text("on_fail_open", requireArg(onFailOpen, "on_fail_open").code());
    }

    @Override
    public ClientBuilder proxy(String proxy) {
        return text("proxy", proxy);
    }

    @Override
    public ClientBuilder caPem(String caPem) {
        return text("ca_pems", caPem);
    }

    @Override
    public ClientBuilder caFile(Path caFile) {
        return text("ca_files", requireArg(caFile, "ca_files").toString());
    }

    @Override
    public ClientBuilder allowHttp(boolean allowHttp) {
        return option(ClientOption.bool("allow_http", allowHttp));
    }
    // END GENERATED java-builder

    @Override
    public ClientBuilder endpoint(URI url) {
        return endpoint(requireArg(url, "endpoint").toString());
    }

    @Override
    public ClientBuilder retryBackoff(Duration base, Duration max) {
        requireArg(base, "retry_base_delay");
        requireArg(max, "retry_max_delay");
        return retryBaseDelay(base).retryMaxDelay(max);
    }

    @Override
    public ClientBuilder executor(Executor executor) {
        this.executor = requireArg(executor, "executor");
        return this;
    }

    @Override
    public ClientBuilder onEvent(Consumer<? super VerificationEvent> consumer) {
        consumers.add(requireArg(consumer, "consumer"));
        return this;
    }

    @Override
    public ClientBuilder logEvents(boolean log) {
        this.logEvents = log;
        return this;
    }

    @Override
    public SiteverifyClient build() {
        Backend backend = Backend.get();
        List<Consumer<? super VerificationEvent>> sinks = new ArrayList<>();
        if (logEvents) {
            sinks.add(new EventLogger());
        }
        sinks.addAll(consumers);
        long events = sinks.isEmpty() ? 0 : Events.register(sinks);
        long ptr;
        try {
            ptr = backend.build(providerName, options, events);
        } catch (RuntimeException | Error e) {
            Events.unregister(events);
            throw e;
        }
        NativeClient handle = new NativeClient(backend, ptr, events);
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
        if (logEvents) {
            s.append(", logEvents=true");
        }
        if (!consumers.isEmpty()) {
            s.append(", onEvent=").append(consumers.size());
        }
        return s.append(']').toString();
    }
}
