package org.siteverify;

/**
 * The level the core gives a {@link VerificationEvent}, the same in every binding: {@link #DEBUG}
 * for an accepted verdict, {@link #INFO} for a rejection, {@link #WARN} for what an operator must
 * look at (the provider refused the request, a TLS failure, a provider fail-open answer, accepted
 * or not). Map it to your logger's levels by {@link #code()} or by constant.
 */
public enum EventLevel {
    // BEGIN GENERATED event-levels (siteverify-vocab; edit core/, then `make vocab`)
    /** An accepted verdict. */
    DEBUG("debug"),
    /** A rejected verdict. */
    INFO("info"),
    /** What an operator must look at: a refused request, a TLS failure, a fail-open answer. */
    WARN("warn"),
    // END GENERATED event-levels
    ;

    private final String code;

    EventLevel(String code) {
        this.code = code;
    }

    /** The core's name of the level: {@code "debug"}, {@code "info"} or {@code "warn"}. */
    public String code() {
        return code;
    }

    /**
     * The level with this name; {@link #INFO} for a name this version of the binding does not
     * know (a level added to the library later), so that the event is still logged.
     */
    public static EventLevel fromCode(String code) {
        for (EventLevel l : values()) {
            if (l.code.equals(code)) {
                return l;
            }
        }
        return INFO;
    }
}
