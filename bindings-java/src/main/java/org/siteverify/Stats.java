package org.siteverify;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

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
        Map<Reason, Long> byReason,
        Map<String, Long> byErrorKey) {

    public Stats {
        providerHealth = providerHealth == null ? "unknown" : providerHealth;
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
        b.append(",\"by_reason\":{");
        // The core sorts by_reason by code.
        Map<String, Long> reasons = new TreeMap<>();
        byReason.forEach((r, n) -> reasons.put(r.code(), n));
        map(b, reasons);
        b.append("},\"by_error_key\":{");
        map(b, byErrorKey);
        return b.append("}}").toString();
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
