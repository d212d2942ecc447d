package org.siteverify;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

import org.siteverify.internal.MiniJson;

/**
 * What happened in one verification, handed to every {@link SiteverifyClient.Builder#onEvent}
 * consumer after the verdict is final (the core's {@code VerificationEvent}). It never holds the
 * token or the secret: only an 8-hex-digit fingerprint of the token (the first 32 bits of its
 * SHA-256), enough to see one token submitted twice, useless to replay it.
 *
 * @param provider the provider's name ({@code "prosopo"}, {@code "gatekeeper"})
 * @param outcome the verdict, every field as the caller got it
 * @param latency time from the call to the verdict, retries and the outage check included
 * @param tokenFingerprint the first 8 hex digits of the token's SHA-256
 * @param level the level to log it at, as the core decides it for every binding
 */
public record VerificationEvent(String provider, Outcome outcome, Duration latency, String tokenFingerprint,
        EventLevel level) {
    public VerificationEvent {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(tokenFingerprint, "tokenFingerprint");
        Objects.requireNonNull(level, "level");
    }

    /**
     * The event as the core writes it: the outcome's fields, plus {@code provider}, {@code latency}
     * (ms), {@code token_fingerprint} and {@code level}.
     */
    public String toJson() {
        String o = outcome.toJson();
        StringBuilder b = new StringBuilder(o.length() + 96);
        b.append("{\"provider\":");
        Outcome.quote(b, provider);
        b.append(',').append(o, 1, o.length() - 1);
        b.append(",\"latency\":").append(latency.toNanos() / 1e6);
        b.append(",\"token_fingerprint\":");
        Outcome.quote(b, tokenFingerprint);
        b.append(",\"level\":");
        Outcome.quote(b, level.code());
        return b.append('}').toString();
    }

    /** The event from the core's JSON ({@code sv_event_callback}'s argument on the FFM path). */
    static VerificationEvent fromJson(String json) {
        Map<String, Object> m = MiniJson.object(MiniJson.parse(json));
        List<String> codes = new java.util.ArrayList<>();
        if (m.get("error_codes") instanceof List<?> l) {
            l.forEach(c -> codes.add(String.valueOf(c)));
        }
        Object score = m.get("score");
        Object http = m.get("http_status");
        Outcome outcome = new Outcome(
                bool(m, "accepted"), bool(m, "verified"), bool(m, "conclusive"),
                Reason.fromCode(String.valueOf(m.get("reason"))),
                score instanceof Number n ? OptionalDouble.of(n.doubleValue()) : OptionalDouble.empty(),
                text(m, "hostname"), text(m, "action"), text(m, "challenge_ts"), text(m, "timestamp"),
                text(m, "error_key"), codes, text(m, "provider_reason"),
                http instanceof Number n ? OptionalInt.of(n.intValue()) : OptionalInt.empty(),
                bool(m, "retryable"),
                m.get("attempts") instanceof Number n ? n.intValue() : 0,
                bool(m, "fail_open_suspected"),
                text(m, "detail"));
        double ms = m.get("latency") instanceof Number n ? n.doubleValue() : 0;
        return new VerificationEvent(String.valueOf(m.get("provider")), outcome, millis(ms),
                String.valueOf(m.get("token_fingerprint")), EventLevel.fromCode(String.valueOf(m.get("level"))));
    }

    static Duration millis(double ms) {
        return Duration.ofNanos(Math.round(ms * 1e6));
    }

    private static boolean bool(Map<String, Object> m, String k) {
        return Boolean.TRUE.equals(m.get(k));
    }

    private static Optional<String> text(Map<String, Object> m, String k) {
        return m.get(k) instanceof String s ? Optional.of(s) : Optional.empty();
    }
}
