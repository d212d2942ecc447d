package org.siteverify;

/**
 * An argument is invalid: null, a string that is not valid Unicode or holds a NUL character,
 * a negative duration, an invalid remote IP or email. {@link #code()} is {@code "invalid-argument"}
 * ({@code "null-argument"} only if the C library itself saw a NULL, which this binding prevents).
 */
public class InvalidArgumentException extends SiteverifyException {
    private static final long serialVersionUID = 1L;

    public InvalidArgumentException(String message) {
        super("invalid-argument", Abi.SV_INVALID_ARGUMENT, message);
    }

    InvalidArgumentException(String code, int status, String message) {
        super(code, status, message);
    }
}
