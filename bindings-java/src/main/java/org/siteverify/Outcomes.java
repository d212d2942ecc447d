package org.siteverify;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

import org.siteverify.Native.OutcomeString;

/** Copies a native {@code sv_outcome} into an {@link Outcome}. */
final class Outcomes {
    private Outcomes() {}

    /** Reads every field of {@code o} (not freed here). */
    static Outcome read(MemorySegment o) {
        OptionalDouble score;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_DOUBLE);
            score = Native.outcomeScore(o, out) ? OptionalDouble.of(out.get(ValueLayout.JAVA_DOUBLE, 0))
                                                : OptionalDouble.empty();
        }
        long n = Native.outcomeErrorCodeCount(o);
        List<String> codes = new ArrayList<>((int) Math.min(n, 64));
        for (long i = 0; i < n; i++) {
            String c = Native.outcomeErrorCode(o, i);
            if (c != null) {
                codes.add(c);
            }
        }
        int http = Native.outcomeHttpStatus(o);
        Reason reason = Reason.fromNumber(Native.outcomeReason(o));
        if (reason == Reason.UNKNOWN) {
            reason = Reason.fromCode(Native.outcomeReasonStr(o));
        }
        return new Outcome(
                Native.outcomeAccepted(o),
                Native.outcomeVerified(o),
                Native.outcomeConclusive(o),
                reason,
                score,
                str(OutcomeString.HOSTNAME, o),
                str(OutcomeString.ACTION, o),
                str(OutcomeString.CHALLENGE_TS, o),
                str(OutcomeString.TIMESTAMP, o),
                str(OutcomeString.ERROR_KEY, o),
                codes,
                str(OutcomeString.PROVIDER_REASON, o),
                http == 0 ? OptionalInt.empty() : OptionalInt.of(http),
                Native.outcomeRetryable(o),
                (int) Math.min(Native.outcomeAttempts(o), Integer.MAX_VALUE),
                Native.outcomeFailOpenSuspected(o),
                str(OutcomeString.DETAIL, o));
    }

    private static Optional<String> str(OutcomeString field, MemorySegment o) {
        return Optional.ofNullable(Native.outcomeString(field, o));
    }
}
