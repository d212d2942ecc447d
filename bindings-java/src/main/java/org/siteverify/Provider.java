package org.siteverify;

/** The CAPTCHA provider a client verifies tokens with. */
public enum Provider {
    /** Prosopo Procaptcha ({@code /siteverify}; the token comes from the {@code procaptcha-response} field). */
    PROSOPO(Abi.SV_PROVIDER_PROSOPO, "prosopo"),
    /** GateKeeper gkCAPTCHA ({@code /api/v1/token/verify}). */
    GATEKEEPER(Abi.SV_PROVIDER_GATEKEEPER, "gatekeeper");

    final int number;
    private final String code;

    Provider(int number, String code) {
        this.number = number;
        this.code = code;
    }

    /** The stable lower-case name: {@code "prosopo"} or {@code "gatekeeper"}. */
    public String code() {
        return code;
    }

    /**
     * The provider with this code.
     *
     * @throws ConfigurationException for an unknown name
     */
    public static Provider fromCode(String code) {
        for (Provider p : values()) {
            if (p.code.equals(code)) {
                return p;
            }
        }
        throw new ConfigurationException("unknown provider (want prosopo or gatekeeper)");
    }

    @Override
    public String toString() {
        return code;
    }
}
