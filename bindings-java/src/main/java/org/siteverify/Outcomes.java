package org.siteverify;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/** Builds an {@link Outcome} from the core's JSON of it ({@code Outcome::to_json}, the JNI path). */
final class Outcomes {
    private Outcomes() {}

    static Outcome fromJson(String json) {
        Map<String, Object> m = Json.parseObject(json);
        Object score = m.get("score");
        Object http = m.get("http_status");
        List<String> codes = new ArrayList<>();
        if (m.get("error_codes") instanceof List<?> list) {
            for (Object c : list) {
                if (c instanceof String s) {
                    codes.add(s);
                }
            }
        }
        return new Outcome(
                bool(m, "accepted"),
                bool(m, "verified"),
                bool(m, "conclusive"),
                Reason.fromCode(String.valueOf(m.get("reason"))),
                score instanceof Number n ? OptionalDouble.of(n.doubleValue()) : OptionalDouble.empty(),
                str(m, "hostname"),
                str(m, "action"),
                str(m, "challenge_ts"),
                str(m, "timestamp"),
                str(m, "error_key"),
                codes,
                str(m, "provider_reason"),
                http instanceof Number n && n.intValue() != 0 ? OptionalInt.of(n.intValue()) : OptionalInt.empty(),
                bool(m, "retryable"),
                m.get("attempts") instanceof Number n ? (int) Math.min(n.longValue(), Integer.MAX_VALUE) : 0,
                bool(m, "fail_open_suspected"),
                str(m, "detail"));
    }

    private static boolean bool(Map<String, Object> m, String key) {
        return Boolean.TRUE.equals(m.get(key));
    }

    private static Optional<String> str(Map<String, Object> m, String key) {
        return m.get(key) instanceof String s ? Optional.of(s) : Optional.empty();
    }
}
