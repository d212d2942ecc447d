package org.siteverify;

/**
 * A call that could not run: bad configuration, an invalid argument, a closed client, ...
 *
 * <p>A verdict is never an exception. A bad token, a provider outage or a provider refusing
 * the secret are all {@link Outcome}s, so the fail mode you configured applies to them.
 *
 * <p>{@link #code()} is stable and the same string every siteverify binding uses:
 * {@code "configuration"}, {@code "invalid-argument"}, {@code "null-argument"},
 * {@code "blocking-in-async-context"}, {@code "cancelled"}, {@code "closed"},
 * {@code "panic"}, {@code "internal"}. Messages never contain the secret.
 */
public class SiteverifyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** {@link #code()} of a call on a closed client. */
    public static final String CLOSED = "closed";

    private final String code;
    private final int status;

    /**
     * @param code the stable kebab-case code
     * @param status the C ABI's status number, or -1 when the error was raised by Java
     * @param message a human-readable message (never the secret)
     */
    public SiteverifyException(String code, int status, String message) {
        super(message);
        this.code = code;
        this.status = status;
    }

    /** The stable kebab-case code, e.g. {@code "invalid-argument"}. */
    public String code() {
        return code;
    }

    /** The C ABI status ({@code SV_INVALID_ARGUMENT} = 101, ...), or -1 when raised by the binding itself. */
    public int status() {
        return status;
    }

    @Override
    public String toString() {
        return getClass().getName() + " [" + code + "]: " + getMessage();
    }

    /** The right exception type for a C status. */
    static SiteverifyException of(int status, String code, String message) {
        return switch (status) {
            case Abi.SV_CONFIGURATION -> new ConfigurationException(message);
            case Abi.SV_INVALID_ARGUMENT, Abi.SV_NULL_ARGUMENT -> new InvalidArgumentException(code, status, message);
            default -> new SiteverifyException(code, status, message);
        };
    }

    static SiteverifyException closed() {
        return new SiteverifyException(CLOSED, -1, "client is closed");
    }
}
