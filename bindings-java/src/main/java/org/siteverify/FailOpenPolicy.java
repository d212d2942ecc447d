package org.siteverify;

/** What to do when the provider answers with its own fail-open shape (it could not really verify). */
public enum FailOpenPolicy {
    /** A suspected provider fail-open is accepted and flagged (the default under {@link FailMode#OPEN}). */
    ACCEPT(Abi.SV_FAIL_OPEN_ACCEPT, "accept"),
    /** A suspected provider fail-open is not accepted (the default under {@link FailMode#CLOSED}). */
    REJECT(Abi.SV_FAIL_OPEN_REJECT, "reject");

    final int number;
    private final String code;

    FailOpenPolicy(int number, String code) {
        this.number = number;
        this.code = code;
    }

    /** The stable name: {@code "accept"} or {@code "reject"}. */
    public String code() {
        return code;
    }

    /**
     * The policy with this name.
     *
     * @throws ConfigurationException for an unknown name
     */
    public static FailOpenPolicy fromCode(String code) {
        for (FailOpenPolicy p : values()) {
            if (p.code.equals(code)) {
                return p;
            }
        }
        throw new ConfigurationException("unknown fail-open policy (want accept or reject)");
    }

    @Override
    public String toString() {
        return code;
    }
}
