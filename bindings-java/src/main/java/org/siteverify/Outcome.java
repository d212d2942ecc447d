package org.siteverify;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The result of one verification: every field of the core's outcome, in camelCase.
 *
 * <p>Act on {@link #accepted()} only. The other fields explain it: {@link #verified()} says
 * whether the provider really vouched for the user, {@link #conclusive()} whether anybody could
 * tell at all (when false, {@code accepted} came from the fail mode). The binding copies these
 * values from the library; it never decides anything itself.
 *
 * @param accepted let the request through? Decided after local checks, the fail mode and the fail-open policy
 * @param verified the provider said yes and every local check passed
 * @param conclusive the provider (or a local check) gave a definitive answer
 * @param reason why; see {@link Reason}
 * @param score the risk score, 0 = human, 1 = bot, when the provider sent one
 * @param hostname the hostname where the challenge was solved, as the provider reported it
 * @param action the action name, as the provider reported it
 * @param challengeTs when the challenge was solved (RFC 3339, as the provider sent it)
 * @param timestamp when the provider verified the token (RFC 3339, as sent)
 * @param errorKey the provider's machine-readable error key (Prosopo {@code error.key})
 * @param errorCodes the provider's error codes (GateKeeper {@code error_codes}); never null
 * @param providerReason the provider's own free-text {@code reason} field
 * @param httpStatus the HTTP status of the last provider answer; empty when no answer came
 * @param retryable a later retry of the same verification could succeed (provider down)
 * @param attempts HTTP attempts made (0 when the token was rejected locally)
 * @param failOpenSuspected the answer looks like the provider's fail-open response
 * @param detail a short explanation written by siteverify (never provider text, never the secret)
 */
public record Outcome(
        boolean accepted,
        boolean verified,
        boolean conclusive,
        Reason reason,
        OptionalDouble score,
        Optional<String> hostname,
        Optional<String> action,
        Optional<String> challengeTs,
        Optional<String> timestamp,
        Optional<String> errorKey,
        List<String> errorCodes,
        Optional<String> providerReason,
        OptionalInt httpStatus,
        boolean retryable,
        int attempts,
        boolean failOpenSuspected,
        Optional<String> detail) {

    public Outcome {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(score, "score");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(challengeTs, "challengeTs");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(errorKey, "errorKey");
        errorCodes = List.copyOf(errorCodes);
        Objects.requireNonNull(providerReason, "providerReason");
        Objects.requireNonNull(httpStatus, "httpStatus");
        Objects.requireNonNull(detail, "detail");
    }

    /**
     * The outcome as one line of JSON with the core's snake_case field names and order
     * ({@code accepted}, {@code verified}, ..., {@code reason} as its code, absent values as {@code null}):
     * the same object {@code sv_outcome_to_json} and every other binding produce.
     */
    public String toJson() {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"accepted\":").append(accepted);
        b.append(",\"verified\":").append(verified);
        b.append(",\"conclusive\":").append(conclusive);
        b.append(",\"reason\":");
        quote(b, reason.code());
        b.append(",\"score\":");
        if (score.isPresent() && Double.isFinite(score.getAsDouble())) {
            b.append(score.getAsDouble());
        } else {
            b.append("null");
        }
        field(b, "hostname", hostname);
        field(b, "action", action);
        field(b, "challenge_ts", challengeTs);
        field(b, "timestamp", timestamp);
        field(b, "error_key", errorKey);
        b.append(",\"error_codes\":[");
        for (int i = 0; i < errorCodes.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            quote(b, errorCodes.get(i));
        }
        b.append(']');
        field(b, "provider_reason", providerReason);
        b.append(",\"http_status\":");
        if (httpStatus.isPresent()) {
            b.append(httpStatus.getAsInt());
        } else {
            b.append("null");
        }
        b.append(",\"retryable\":").append(retryable);
        b.append(",\"attempts\":").append(attempts);
        b.append(",\"fail_open_suspected\":").append(failOpenSuspected);
        field(b, "detail", detail);
        return b.append('}').toString();
    }

    private static void field(StringBuilder b, String name, Optional<String> value) {
        b.append(",\"").append(name).append("\":");
        quote(b, value.orElse(null));
    }

    /** Appends {@code s} as a JSON string, or {@code null}; for {@link #toJson()} and {@link Stats#toJson()}. */
    static void quote(StringBuilder out, String s) {
        if (s == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
