package org.siteverify;

/**
 * The C ABI's status numbers and their names ({@code sv_status_str}), from {@link Abi}: the FFM
 * path gets them from the library, the JNI path (which has no C ABI) from here.
 * {@code AbiConstantsTest} checks the two agree.
 */
final class Statuses {
    private Statuses() {}

    static String name(int status) {
        return switch (status) {
            case Abi.SV_OK -> "ok";
            case Abi.SV_NULL_ARGUMENT -> "null-argument";
            case Abi.SV_INVALID_ARGUMENT -> "invalid-argument";
            case Abi.SV_CONFIGURATION -> "configuration";
            case Abi.SV_BLOCKING_IN_ASYNC_CONTEXT -> "blocking-in-async-context";
            case Abi.SV_CANCELLED -> "cancelled";
            case Abi.SV_PANIC -> "panic";
            case Abi.SV_INTERNAL -> "internal";
            default -> "unknown";
        };
    }

    /** The status number of an error code; -1 for codes with no C status ({@code closed}). */
    static int number(String code) {
        return switch (code) {
            case "null-argument" -> Abi.SV_NULL_ARGUMENT;
            case "invalid-argument" -> Abi.SV_INVALID_ARGUMENT;
            case "configuration" -> Abi.SV_CONFIGURATION;
            case "blocking-in-async-context" -> Abi.SV_BLOCKING_IN_ASYNC_CONTEXT;
            case "cancelled" -> Abi.SV_CANCELLED;
            case "panic" -> Abi.SV_PANIC;
            case "closed" -> -1;
            default -> Abi.SV_INTERNAL;
        };
    }
}
