package org.siteverify;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The native client handle (of either {@link Backend}), reference-counted on the Java side so that it is freed
 * exactly once and never while a call is using it.
 *
 * <p>The count starts at 1 (the owner's reference, dropped by {@link #close()}); every call
 * {@link #acquire()}s one more for its duration. the backend's free runs when the count
 * reaches 0, which is either in {@code close()} or at the end of the last call that was running
 * while it closed. After {@code close()} no new call can acquire: it gets a
 * {@link SiteverifyException} with code {@code closed}. Closing never waits for running calls.
 *
 * <p>This object is also the {@link java.lang.ref.Cleaner} action of its
 * {@link SiteverifyClient}, so it must never refer to the client.
 */
final class NativeClient implements Runnable {
    /** Native clients not yet freed, in this JVM (for tests: no leak after close). */
    static final AtomicLong LIVE = new AtomicLong();

    private final Backend backend;
    private final long ptr;
    /** The client's event consumers in {@link Events} (0: none), released with the native client. */
    private final long events;
    private final AtomicLong refs = new AtomicLong(1);
    private final AtomicBoolean closed = new AtomicBoolean();

    NativeClient(Backend backend, long ptr) {
        this(backend, ptr, 0);
    }

    NativeClient(Backend backend, long ptr, long events) {
        this.backend = backend;
        this.ptr = ptr;
        this.events = events;
        LIVE.incrementAndGet();
    }

    /** A reference for one call; pair with {@link #release()} in a finally block. */
    long acquire() {
        while (true) {
            long n = refs.get();
            if (n == 0 || closed.get()) {
                throw SiteverifyException.closed();
            }
            if (refs.compareAndSet(n, n + 1)) {
                return ptr;
            }
        }
    }

    void release() {
        if (refs.decrementAndGet() == 0) {
            backend.free(ptr);
            Events.unregister(events);
            LIVE.decrementAndGet();
        }
    }

    /** Drops the owner's reference, once; later calls are no-ops. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            release();
        }
    }

    /** References held: 1 for the owner until close, plus one per running call (for tests). */
    long references() {
        return refs.get();
    }

    boolean isClosed() {
        return closed.get();
    }

    /** The Cleaner action: the client became unreachable without {@code close()}. */
    @Override
    public void run() {
        close();
    }
}
