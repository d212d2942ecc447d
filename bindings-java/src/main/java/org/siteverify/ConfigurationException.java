package org.siteverify;

/** The client configuration is invalid; {@link #code()} is {@code "configuration"}. The message says which option. */
public class ConfigurationException extends SiteverifyException {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super("configuration", Abi.SV_CONFIGURATION, message);
    }
}
