package org.siteverify;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.siteverify.internal.MiniJson;

/**
 * A latency histogram at one moment ({@link Stats#verificationSeconds()},
 * {@link Stats#roundTripSeconds()}), with the core's fixed buckets ({@code siteverify::LATENCY_BUCKETS}:
 * 1 ms to 10 s, then +Inf), counted cumulatively as Prometheus does.
 *
 * @param buckets the buckets in increasing order, each with the observations at or below its
 *     bound; the last bound is {@link Double#POSITIVE_INFINITY} and its count equals {@code count}
 * @param count observations
 * @param sumSeconds their sum, in seconds
 */
public record Histogram(List<Bucket> buckets, long count, double sumSeconds) {
    /** An empty histogram (no buckets), as a snapshot from an older library would give. */
    public static final Histogram EMPTY = new Histogram(List.of(), 0, 0);

    /**
     * One cumulative bucket.
     *
     * @param le the upper bound in seconds ({@link Double#POSITIVE_INFINITY} for the last)
     * @param count observations at or below {@code le}
     */
    public record Bucket(double le, long count) {}

    public Histogram {
        buckets = List.copyOf(buckets);
    }

    /** Observations at or below {@code seconds}: the count of the first bucket whose bound is at least it. */
    public long countAtOrBelow(double seconds) {
        for (Bucket b : buckets) {
            if (seconds <= b.le()) {
                return b.count();
            }
        }
        return count;
    }

    /** From the core's JSON of a histogram ({@code {"buckets":[[le,n],...,[null,n]],"count":n,"sum_seconds":x}}). */
    static Histogram fromJson(Object json) {
        if (json == null) {
            return EMPTY;
        }
        Map<String, Object> m = MiniJson.object(json);
        List<Bucket> buckets = new ArrayList<>();
        Object raw = m.get("buckets");
        if (raw instanceof List<?> list) {
            for (Object item : list) {
                List<?> pair = (List<?>) item;
                double le = pair.get(0) == null ? Double.POSITIVE_INFINITY : ((Number) pair.get(0)).doubleValue();
                buckets.add(new Bucket(le, ((Number) pair.get(1)).longValue()));
            }
        }
        return new Histogram(buckets, ((Number) m.getOrDefault("count", 0L)).longValue(),
                ((Number) m.getOrDefault("sum_seconds", 0L)).doubleValue());
    }

    void appendJson(StringBuilder b) {
        b.append("{\"buckets\":[");
        for (int i = 0; i < buckets.size(); i++) {
            Bucket k = buckets.get(i);
            b.append(i == 0 ? "[" : ",[");
            b.append(Double.isInfinite(k.le()) ? "null" : Double.toString(k.le()));
            b.append(',').append(k.count()).append(']');
        }
        b.append("],\"count\":").append(count).append(",\"sum_seconds\":").append(sumSeconds).append('}');
    }
}
