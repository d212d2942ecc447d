package org.siteverify;

import java.util.Arrays;
import java.util.List;

/**
 * A builder's options, checked and encoded for a {@link Backend}: strings are their exact UTF-8
 * bytes ({@link Utf8#cBytes}), numbers -1 when unset (the core's default applies), the rest null
 * when unset. Never printed: it holds the secret; {@link #wipe()} zeroes that copy after use.
 */
record ClientConfig(
        Provider provider,
        byte[] secret,
        byte[] endpoint,
        byte[] region,
        byte[] proxy,
        List<byte[]> hostnames,
        List<byte[]> actions,
        List<byte[]> caPems,
        List<byte[]> caFiles,
        long timeoutMs,
        long connectTimeoutMs,
        long attemptTimeoutMs,
        long maxRetries,
        long backoffBaseMs,
        long backoffMaxMs,
        long maxAgeSeconds,
        Double scoreThreshold,
        FailMode failMode,
        FailOpenPolicy onFailOpen,
        Boolean allowHttp) {

    void wipe() {
        if (secret != null) {
            Arrays.fill(secret, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "ClientConfig[provider=" + provider + "]";
    }
}
