package org.siteverify;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;

final class Wait {
    private Wait() {}

    /** Polls until {@code done} holds, failing after {@code limit}. */
    static void until(String what, Duration limit, BooleanSupplier done) {
        long end = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out waiting until " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    /** No async call is left waiting for its callback. */
    static void noPending() {
        until("every async callback ran", Duration.ofSeconds(10), () -> Async.pendingCount() == 0);
    }
}
