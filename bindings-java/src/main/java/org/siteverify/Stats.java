package org.siteverify;

import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import org.siteverify.Native.StatsCounter;

/**
 * A point-in-time copy of a client's counters ({@link SiteverifyClient#stats()}).
 *
 * @param verifications verifications that produced an outcome
 * @param accepted outcomes with {@code accepted == true}
 * @param rejected outcomes with {@code accepted == false}
 * @param inconclusive outcomes with {@code conclusive == false}
 * @param failOpenSuspected outcomes that looked like a provider fail-open: alert when this climbs
 * @param retries HTTP attempts beyond the first
 * @param errors calls that failed with an error instead of an outcome
 * @param byReason outcomes per reason (reasons never seen are absent)
 * @param byErrorKey provider error keys and codes seen, with their counts
 */
public record Stats(
        long verifications,
        long accepted,
        long rejected,
        long inconclusive,
        long failOpenSuspected,
        long retries,
        long errors,
        Map<Reason, Long> byReason,
        Map<String, Long> byErrorKey) {

    public Stats {
        byReason = byReason.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(byReason));
        byErrorKey = Collections.unmodifiableMap(new TreeMap<>(byErrorKey));
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
                .append(",\"rejected\":").append(rejected)
                .append(",\"inconclusive\":").append(inconclusive)
                .append(",\"fail_open_suspected\":").append(failOpenSuspected)
                .append(",\"retries\":").append(retries)
                .append(",\"errors\":").append(errors)
                .append(",\"by_reason\":{");
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
            Json.string(b, e.getKey());
            b.append(':').append(e.getValue());
        }
    }

    /** Reads a native {@code sv_stats} (not freed here). */
    static Stats read(MemorySegment s) {
        Map<Reason, Long> byReason = new EnumMap<>(Reason.class);
        for (Reason r : Reason.values()) {
            if (r != Reason.UNKNOWN) {
                long n = Native.statsReasonCount(s, r.number());
                if (n > 0) {
                    byReason.put(r, n);
                }
            }
        }
        // The error-key map has no accessor in the C ABI: it is only in the JSON.
        Map<String, Long> byErrorKey = new LinkedHashMap<>();
        String json = Native.statsToJson(s);
        if (json != null && Json.parseObject(json).get("by_error_key") instanceof Map<?, ?> keys) {
            keys.forEach((k, v) -> byErrorKey.put((String) k, (Long) v));
        }
        return new Stats(
                Native.statsCounter(StatsCounter.VERIFICATIONS, s),
                Native.statsCounter(StatsCounter.ACCEPTED, s),
                Native.statsCounter(StatsCounter.REJECTED, s),
                Native.statsCounter(StatsCounter.INCONCLUSIVE, s),
                Native.statsCounter(StatsCounter.FAIL_OPEN_SUSPECTED, s),
                Native.statsCounter(StatsCounter.RETRIES, s),
                Native.statsCounter(StatsCounter.ERRORS, s),
                byReason,
                byErrorKey);
    }
}
