package org.siteverify;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.function.Consumer;

/**
 * {@link SiteverifyClient.Builder#logEvents(boolean)}: each event as one line on the
 * {@link System.Logger} named {@value #NAME}, at the event's {@link VerificationEvent#level()}
 * (the core's, as its Rust {@code tracing} event uses it): accepted at {@code DEBUG}, not
 * accepted at {@code INFO}, and what an operator must look at (the provider refused the request,
 * a TLS failure, a provider fail-open answer) at {@code WARNING}. SLF4J ({@code slf4j-jdk-platform-logging}), Log4j ({@code log4j-jpl}) and
 * java.util.logging pick it up. The line holds the token's fingerprint, never the token or the
 * secret.
 */
final class EventLogger implements Consumer<VerificationEvent> {
    static final String NAME = "org.siteverify";

    private final Logger logger;

    EventLogger() {
        this(System.getLogger(NAME));
    }

    EventLogger(Logger logger) {
        this.logger = logger;
    }

    /** The core's level by its {@link System.Logger.Level} name. */
    static Level level(EventLevel level) {
        return switch (level) {
            case DEBUG -> Level.DEBUG;
            case INFO -> Level.INFO;
            case WARN -> Level.WARNING;
        };
    }

    static String message(VerificationEvent e) {
        Outcome o = e.outcome();
        StringBuilder b = new StringBuilder(160).append("verification provider=").append(e.provider())
                .append(" accepted=").append(o.accepted())
                .append(" verified=").append(o.verified())
                .append(" conclusive=").append(o.conclusive())
                .append(" reason=").append(o.reason().code());
        if (o.httpStatus().isPresent()) {
            b.append(" http_status=").append(o.httpStatus().getAsInt());
        }
        b.append(" attempts=").append(o.attempts())
                .append(" latency_ms=").append(String.format(java.util.Locale.ROOT, "%.3f", e.latency().toNanos() / 1e6));
        o.errorKey().ifPresent(k -> b.append(" error_key=").append(k));
        if (o.failOpenSuspected()) {
            b.append(" fail_open_suspected=true");
        }
        return b.append(" token_fingerprint=").append(e.tokenFingerprint()).toString();
    }

    @Override
    public void accept(VerificationEvent e) {
        Level level = level(e.level());
        if (logger.isLoggable(level)) {
            logger.log(level, message(e));
        }
    }
}
