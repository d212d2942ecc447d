package org.siteverify;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The event consumers of each native client that has any, by a number the native side carries
 * as its hook's user data (never a pointer: a late event for a freed client finds nothing).
 * Both native paths call {@link #deliver}; a consumer that throws is ignored, so it can never
 * change or lose a verdict.
 */
final class Events {
    private static final Map<Long, List<Consumer<? super VerificationEvent>>> SINKS = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT = new AtomicLong();

    private Events() {}

    /** Registers the consumers of one client; the number is passed to the native hook. */
    static long register(List<Consumer<? super VerificationEvent>> consumers) {
        long id = NEXT.incrementAndGet();
        SINKS.put(id, List.copyOf(consumers));
        return id;
    }

    static void unregister(long id) {
        if (id != 0) {
            SINKS.remove(id);
        }
    }

    /** Consumers registered and not yet released (tests: no leak after close). */
    static int registered() {
        return SINKS.size();
    }

    /** Hands the event to each consumer of client {@code id}, in order; never throws. */
    static void deliver(long id, VerificationEvent event) {
        List<Consumer<? super VerificationEvent>> consumers = SINKS.get(id);
        if (consumers == null) {
            return;
        }
        for (Consumer<? super VerificationEvent> c : consumers) {
            try {
                c.accept(event);
            } catch (Throwable ignored) {
                // A broken logger or metrics registry changes nothing about the verdict.
            }
        }
    }

    /** Whether client {@code id} has consumers (the FFM path parses the JSON only then). */
    static boolean wanted(long id) {
        return SINKS.containsKey(id);
    }
}
