package org.siteverify;

import java.time.Duration;
import java.util.Objects;

/**
 * One option a {@link SiteverifyClient.Builder} setter recorded: the core's option name and the
 * value as Java typed it. {@link Backend#build} hands each one, in the order set, to the core's
 * generic setter ({@code ClientBuilder::set_option}), which validates and converts it and owns
 * every error code: the binding checks nothing but nulls and what cannot cross to C at all.
 *
 * <p>Never printed with its value: it may hold the secret.
 *
 * @param name the core's option name, e.g. {@code "timeout"} (never a value: error messages may show it)
 * @param kind how the value crosses to the core
 * @param value a {@code String} (text), {@code Boolean}, {@code Long} (whole number), {@code Double}
 *     or {@code Duration}, as {@code kind} says
 */
record ClientOption(String name, Kind kind, Object value) {
    /**
     * How a value crosses to the core; {@link #wire} is the number the JNI glue
     * ({@code ffi-jni/src/lib.rs}, {@code KIND_*}) reads.
     */
    enum Kind {
        /** A string ({@code OptionValue::Text}; over the C ABI {@code sv_client_builder_set_option_str}). */
        TEXT(0),
        /** {@code OptionValue::Bool}; {@code _set_option_bool}. */
        BOOL(1),
        /** {@code OptionValue::Int}; {@code _set_option_i64}. */
        WHOLE(2),
        /** {@code OptionValue::Float}; {@code _set_option_f64}. */
        NUMBER(3),
        /** A {@code java.time.Duration}: {@code OptionValue::Nanos} on JNI, {@code _set_option_millis} on FFM. */
        DURATION(4);

        final int wire;

        Kind(int wire) {
            this.wire = wire;
        }
    }

    ClientOption {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
    }

    static ClientOption text(String name, String value) {
        return new ClientOption(name, Kind.TEXT, value);
    }

    static ClientOption bool(String name, boolean value) {
        return new ClientOption(name, Kind.BOOL, value);
    }

    static ClientOption whole(String name, long value) {
        return new ClientOption(name, Kind.WHOLE, value);
    }

    static ClientOption number(String name, double value) {
        return new ClientOption(name, Kind.NUMBER, value);
    }

    static ClientOption duration(String name, Duration value) {
        return new ClientOption(name, Kind.DURATION, value);
    }

    /** The text's exact UTF-8 bytes for C ({@link Utf8#cBytes}); the caller wipes them after use. */
    byte[] textBytes() {
        return Utf8.cBytes((String) value, name);
    }

    boolean boolValue() {
        return (Boolean) value;
    }

    long wholeValue() {
        return (Long) value;
    }

    double numberValue() {
        return (Double) value;
    }

    Duration durationValue() {
        return (Duration) value;
    }

    /**
     * The duration in milliseconds, as a double (the C ABI's idiom): exact to the microsecond for
     * any timeout, and negative for a negative duration, which the core then refuses.
     */
    double millis() {
        Duration d = durationValue();
        return d.getSeconds() * 1000.0 + d.getNano() / 1_000_000.0;
    }

    @Override
    public String toString() {
        return "ClientOption[" + name + "]";
    }
}
