package org.siteverify.micrometer;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.siteverify.Outcome;
import org.siteverify.VerificationEvent;

/**
 * Records siteverify's metrics in Micrometer from each {@link VerificationEvent}. Needs
 * {@code io.micrometer:micrometer-core} (an optional dependency of the siteverify artifact: a
 * plain-client user gets nothing extra). Give it to the client builder as an event consumer:
 *
 * <pre>{@code
 * SiteverifyMetrics metrics = new SiteverifyMetrics(registry);
 * SiteverifyClient client = SiteverifyClient.builder(Provider.PROSOPO).secret(secret)
 *         .onEvent(metrics).build();
 * }</pre>
 *
 * <p>The meters (Micrometer names; a Prometheus registry writes the second spelling), the same
 * every siteverify binding exports:
 * <ul>
 *   <li>{@code siteverify.verifications} ({@code siteverify_verifications_total}), counter,
 *       tags {@code provider}, {@code reason}, {@code accepted};</li>
 *   <li>{@code siteverify.verification.duration} ({@code siteverify_verification_duration_seconds}),
 *       timer from the call to the verdict, tags {@code provider}, {@code accepted}, with the
 *       core's latency buckets ({@link #BUCKETS}) as service-level objectives, so Prometheus
 *       gets the same histogram buckets;</li>
 *   <li>{@code siteverify.fail_open_suspected} ({@code siteverify_fail_open_suspected_total}),
 *       counter, tag {@code provider};</li>
 *   <li>{@code siteverify.provider_errors} ({@code siteverify_provider_errors_total}), counter,
 *       tags {@code provider}, {@code key}: the provider's error keys and codes.</li>
 * </ul>
 *
 * <p>A {@link MeterBinder} too: {@link #bindTo} adds a registry (Spring Boot binds every
 * {@code MeterBinder} bean to its registry). Thread-safe; recording never throws into a
 * verification (the client ignores a consumer's exception anyway).
 */
public final class SiteverifyMetrics implements MeterBinder, Consumer<VerificationEvent> {
    public static final String VERIFICATIONS = "siteverify.verifications";
    public static final String DURATION = "siteverify.verification.duration";
    public static final String FAIL_OPEN_SUSPECTED = "siteverify.fail_open_suspected";
    public static final String PROVIDER_ERRORS = "siteverify.provider_errors";

    /** The core's latency buckets ({@code siteverify::LATENCY_BUCKETS}), 1 ms to 10 s. */
    public static final List<Duration> BUCKETS = List.of(
            Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10));

    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

    /** Records nothing until {@link #bindTo} gives it a registry. */
    public SiteverifyMetrics() {}

    /** Records in {@code registry}. */
    public SiteverifyMetrics(MeterRegistry registry) {
        bindTo(registry);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (!registries.contains(registry)) {
            registries.add(registry);
        }
    }

    /** Records one verification in every bound registry. */
    @Override
    public void accept(VerificationEvent event) {
        for (MeterRegistry r : registries) {
            record(r, event);
        }
    }

    private static void record(MeterRegistry r, VerificationEvent e) {
        Outcome o = e.outcome();
        String accepted = String.valueOf(o.accepted());
        Counter.builder(VERIFICATIONS)
                .description("siteverify verifications")
                .tag("provider", e.provider())
                .tag("reason", o.reason().code())
                .tag("accepted", accepted)
                .register(r)
                .increment();
        Timer.builder(DURATION)
                .description("siteverify: time from the call to the verdict")
                .tag("provider", e.provider())
                .tag("accepted", accepted)
                .serviceLevelObjectives(BUCKETS.toArray(Duration[]::new))
                .register(r)
                .record(e.latency());
        if (o.failOpenSuspected()) {
            Counter.builder(FAIL_OPEN_SUSPECTED)
                    .description("siteverify: answers that looked like the provider's own fail-open")
                    .tag("provider", e.provider())
                    .register(r)
                    .increment();
        }
        // Keys and codes are bounded in length and count by the core's parser.
        o.errorKey().ifPresent(k -> providerError(r, e.provider(), k));
        for (String code : o.errorCodes()) {
            providerError(r, e.provider(), code);
        }
    }

    private static void providerError(MeterRegistry r, String provider, String key) {
        Counter.builder(PROVIDER_ERRORS)
                .description("siteverify: the provider's error keys and codes")
                .tag("provider", provider)
                .tag("key", key)
                .register(r)
                .increment();
    }
}
