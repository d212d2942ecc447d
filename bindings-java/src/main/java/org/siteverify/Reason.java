package org.siteverify;

/**
 * Why an {@link Outcome} came out the way it did: a stable kebab-case {@link #code()}.
 *
 * <p>Codes are never renamed or reused, but the library may add new ones: {@link #UNKNOWN}
 * stands for a reason this version of the binding does not know yet ({@link Outcome#accepted()}
 * is still authoritative), so use a {@code default} branch when switching over it.
 */
public enum Reason {
    // BEGIN GENERATED reasons (siteverify-vocab; edit core/, then `make vocab`)
    /** The provider verified the token and every local check passed. */
    VERIFIED(Abi.SV_REASON_VERIFIED, "verified"),
    /** The token is malformed, forged, from another site, or failed the challenge. */
    TOKEN_INVALID(Abi.SV_REASON_TOKEN_INVALID, "token-invalid"),
    /** The token expired or was already used (tokens are single use). */
    TOKEN_EXPIRED_OR_DUPLICATE(Abi.SV_REASON_TOKEN_EXPIRED_OR_DUPLICATE, "token-expired-or-duplicate"),
    /** The hostname is missing or not one of the expected ones. */
    HOSTNAME_MISMATCH(Abi.SV_REASON_HOSTNAME_MISMATCH, "hostname-mismatch"),
    /** The action is missing or not one of the expected ones. */
    ACTION_MISMATCH(Abi.SV_REASON_ACTION_MISMATCH, "action-mismatch"),
    /** The score is above the threshold (0 = human, 1 = bot). */
    SCORE_ABOVE_THRESHOLD(Abi.SV_REASON_SCORE_ABOVE_THRESHOLD, "score-above-threshold"),
    /** A score threshold is set but no score came back. */
    SCORE_MISSING(Abi.SV_REASON_SCORE_MISSING, "score-missing"),
    /** The challenge is older than the maximum age, or has no usable timestamp. */
    CHALLENGE_TOO_OLD(Abi.SV_REASON_CHALLENGE_TOO_OLD, "challenge-too-old"),
    /** The provider answered with its fail-open shape: it could not really verify. */
    PROVIDER_FAIL_OPEN(Abi.SV_REASON_PROVIDER_FAIL_OPEN, "provider-fail-open"),
    /** The provider could not be reached, timed out, or answered 5xx or 429. */
    PROVIDER_UNAVAILABLE(Abi.SV_REASON_PROVIDER_UNAVAILABLE, "provider-unavailable"),
    /** The provider refused the request for a reason only the configuration can cause. */
    PROVIDER_REJECTED_REQUEST(Abi.SV_REASON_PROVIDER_REJECTED_REQUEST, "provider-rejected-request"),
    /** The provider's answer was not the documented shape. */
    PROTOCOL_ERROR(Abi.SV_REASON_PROTOCOL_ERROR, "protocol-error"),
    /** A retry was told the token was used, but an earlier attempt may have used it. */
    AMBIGUOUS_RETRY(Abi.SV_REASON_AMBIGUOUS_RETRY, "ambiguous-retry"),
    /** The provider's TLS certificate or handshake failed verification: never retried, never accepted. */
    TLS_FAILURE(Abi.SV_REASON_TLS_FAILURE, "tls-failure"),
    // END GENERATED reasons
    /** A reason added to the library after this binding was written. */
    UNKNOWN(-1, "unknown");

    private static final Reason[] BY_NUMBER = new Reason[Abi.SV_REASON_TLS_FAILURE + 1];

    static {
        for (Reason r : values()) {
            if (r.number >= 0) {
                BY_NUMBER[r.number] = r;
            }
        }
    }

    private final int number;
    private final String code;

    Reason(int number, String code) {
        this.number = number;
        this.code = code;
    }

    /** The stable kebab-case code, e.g. {@code "score-above-threshold"}. */
    public String code() {
        return code;
    }

    /** The C ABI's {@code SV_REASON_*} number; -1 for {@link #UNKNOWN}. */
    public int number() {
        return number;
    }

    /** The reason with this {@code SV_REASON_*} number, or {@link #UNKNOWN}. */
    public static Reason fromNumber(int number) {
        return number >= 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : UNKNOWN;
    }

    /** The reason with this kebab-case code, or {@link #UNKNOWN}. */
    public static Reason fromCode(String code) {
        for (Reason r : values()) {
            if (r.code.equals(code)) {
                return r;
            }
        }
        return UNKNOWN;
    }

    @Override
    public String toString() {
        return code;
    }
}
