package org.siteverify;

/**
 * Per-call options. Immutable; {@code null} components are simply not sent.
 *
 * <pre>{@code
 * client.verify(token, VerifyOptions.remoteIp(request.getRemoteAddr()));
 * }</pre>
 *
 * @param remoteIp the end user's IP address (validated when verifying: an invalid one fails
 *                 the call with {@link InvalidArgumentException})
 * @param email the end user's email or domain (Prosopo only; only the domain is sent)
 */
public record VerifyOptions(String remoteIp, String email) {
    private static final VerifyOptions NONE = new VerifyOptions(null, null);

    /** No options. */
    public static VerifyOptions none() {
        return NONE;
    }

    /** Options with the end user's IP address. */
    public static VerifyOptions remoteIp(String ip) {
        return new VerifyOptions(ip, null);
    }

    /** A copy with the end user's IP address. */
    public VerifyOptions withRemoteIp(String ip) {
        return new VerifyOptions(ip, email);
    }

    /** A copy with the end user's email or domain. */
    public VerifyOptions withEmail(String email) {
        return new VerifyOptions(remoteIp, email);
    }

    boolean isEmpty() {
        return remoteIp == null && email == null;
    }
}
