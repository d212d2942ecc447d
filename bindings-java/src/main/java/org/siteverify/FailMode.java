package org.siteverify;

/** What an inconclusive outcome (provider down, protocol error, ...) turns into. */
public enum FailMode {
    /** Inconclusive outcomes are not accepted (the default). */
    CLOSED(Abi.SV_FAIL_MODE_CLOSED, "closed"),
    /**
     * Inconclusive outcomes are accepted, with {@code conclusive == false}, but only during a
     * confirmed outage: the provider was unreachable before the token was sent, or siteverify's own
     * outage probe fails too. A failure while the provider answers other requests may come from the
     * token itself and is not accepted. {@link Outcome#detail()} says which; a TLS failure is never
     * accepted.
     */
    OPEN(Abi.SV_FAIL_MODE_OPEN, "open");

    final int number;
    private final String code;

    FailMode(int number, String code) {
        this.number = number;
        this.code = code;
    }

    /** The stable name: {@code "closed"} or {@code "open"}. */
    public String code() {
        return code;
    }

    /**
     * The mode with this name, e.g. from a configuration file.
     *
     * @throws ConfigurationException for an unknown name (as the core does)
     */
    public static FailMode fromCode(String code) {
        for (FailMode m : values()) {
            if (m.code.equals(code)) {
                return m;
            }
        }
        throw new ConfigurationException("unknown fail mode (want open or closed)");
    }

    @Override
    public String toString() {
        return code;
    }
}
