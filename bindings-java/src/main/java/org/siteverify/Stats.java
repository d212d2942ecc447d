package org.siteverify;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

import org.siteverify.internal.MiniJson;

/**
 * A point-in-time copy of a client's counters ({@link SiteverifyClient#stats()}).
 *
 * @param verifications verifications that produced an outcome
 * @param accepted outcomes with {@code accepted == true}
 * @param notAccepted outcomes with {@code accepted == false}: definite rejections and inconclusive
 *     outcomes that were not accepted alike
 * @param inconclusive outcomes with {@code conclusive == false}
 * @param failOpenSuspected outcomes that looked like a provider fail-open: alert when this climbs
 * @param retries HTTP attempts beyond the first
 * @param errors calls that failed with an error instead of an outcome
 * @param outageAccepted inconclusive outcomes that {@link FailMode#OPEN} accepted during a confirmed
 *     outage (the provider unreachable before the token was sent, or siteverify's outage probe
 *     failing too)
 * @param outageRefused inconclusive outcomes that {@link FailMode#OPEN} did not accept because no
 *     outage was confirmed (the provider answered other requests, or the probe was too slow)
 * @param outageProbes outage probes sent (at most one at a time per client)
 * @param providerHealth the provider's health as the outage check sees it now: {@code "up"},
 *     {@code "down"} or {@code "unknown"}
 * @param verificationSeconds time from the call to the verdict, per verification (retries,
 *     backoff and the outage check included)
 * @param roundTripSeconds time of each HTTP attempt that got an answer: the provider's own latency
 * @param byAttempts verifications per number of HTTP attempts ({@code 0} for local rejections; the
 *     core's last slot, 11, counts 11 and more), in increasing order
 * @param byReason outcomes per reason (reasons never seen are absent)
 * @param byErrorKey provider error keys and codes seen, with their counts
 */
public record Stats(
        long verifications,
        long accepted,
        long notAccepted,
        long inconclusive,
        long failOpenSuspected,
        long retries,
        long errors,
        long outageAccepted,
        long outageRefused,
        long outageProbes,
        String providerHealth,
        Histogram verificationSeconds,
        Histogram roundTripSeconds,
        Map<Integer, Long> byAttempts,
        Map<Reason, Long> byReason,
        Map<String, Long> byErrorKey) {

    public Stats {
        providerHealth = providerHealth == null ? "unknown" : providerHealth;
        verificationSeconds = verificationSeconds == null ? Histogram.EMPTY : verificationSeconds;
        roundTripSeconds = roundTripSeconds == null ? Histogram.EMPTY : roundTripSeconds;
        byAttempts = Collections.unmodifiableMap(new TreeMap<>(byAttempts));
        byReason = byReason.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(byReason));
        byErrorKey = Collections.unmodifiableMap(new TreeMap<>(byErrorKey));
    }

    /**
     * The former name of {@link #notAccepted()}, which says what it counts: every outcome not
     * accepted, inconclusive ones included, not only definite rejections.
     *
     * @deprecated use {@link #notAccepted()}
     */
    @Deprecated
    public long rejected() {
        return notAccepted;
    }

    /** Outcomes with this reason (0 when never seen). */
    public long count(Reason reason) {
        return byReason.getOrDefault(reason, 0L);
    }

    /** The counters as JSON with the core's snake_case names, like {@code sv_stats_to_json}. */
    public String toJson() {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"verifications\":").append(verifications)
                .append(",\"accepted\":").append(accepted)
                .append(",\"not_accepted\":").append(notAccepted)
                .append(",\"inconclusive\":").append(inconclusive)
                .append(",\"fail_open_suspected\":").append(failOpenSuspected)
                .append(",\"retries\":").append(retries)
                .append(",\"errors\":").append(errors)
                .append(",\"outage_accepted\":").append(outageAccepted)
                .append(",\"outage_refused\":").append(outageRefused)
                .append(",\"outage_probes\":").append(outageProbes)
                .append(",\"provider_health\":");
        Outcome.quote(b, providerHealth);
        b.append(",\"verification_seconds\":");
        verificationSeconds.appendJson(b);
        b.append(",\"round_trip_seconds\":");
        roundTripSeconds.appendJson(b);
        b.append(",\"by_attempts\":{");
        Map<String, Long> attempts = new TreeMap<>(); // the core sorts the keys as strings
        byAttempts.forEach((n, c) -> attempts.put(String.valueOf(n), c));
        map(b, attempts);
        b.append("},\"by_reason\":{");
        // The core sorts by_reason by code.
        Map<String, Long> reasons = new TreeMap<>();
        byReason.forEach((r, n) -> reasons.put(r.code(), n));
        map(b, reasons);
        b.append("},\"by_error_key\":{");
        map(b, byErrorKey);
        return b.append("}}").toString();
    }

    /** Verifications that took {@code attempts} HTTP attempts (0 when none did). */
    public long countByAttempts(int attempts) {
        return byAttempts.getOrDefault(attempts, 0L);
    }

    /**
     * The timing fields of the core's JSON of a snapshot ({@code sv_stats_to_json}), which both
     * native paths read the same way: the histograms and {@code by_attempts}.
     */
    record Timings(Histogram verificationSeconds, Histogram roundTripSeconds, Map<Integer, Long> byAttempts) {
        static Timings fromJson(String json) {
            Map<String, Object> m = MiniJson.object(MiniJson.parse(json));
            Map<Integer, Long> attempts = new TreeMap<>();
            Object raw = m.get("by_attempts");
            if (raw instanceof Map<?, ?> a) {
                a.forEach((k, v) -> attempts.put(Integer.valueOf(String.valueOf(k)), ((Number) v).longValue()));
            }
            return new Timings(Histogram.fromJson(m.get("verification_seconds")),
                    Histogram.fromJson(m.get("round_trip_seconds")), attempts);
        }
    }

    private static void map(StringBuilder b, Map<String, Long> m) {
        boolean first = true;
        for (Map.Entry<String, Long> e : m.entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            Outcome.quote(b, e.getKey());
            b.append(':').append(e.getValue());
        }
    }
}
