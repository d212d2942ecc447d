package org.siteverify;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bridge between a backend's async verification and {@link CompletableFuture}, the same on
 * both paths.
 *
 * <p>Each call is registered under a number before it starts; the library gets the number, never
 * a Java object, and reports the result with it to {@link #completed}, exactly once, on a library
 * thread. That copies nothing big and hands the completion to the client's executor, so that
 * user code chained on the future never runs on (or blocks) a library thread.
 */
final class Async {
    private Async() {}

    private static final ConcurrentHashMap<Long, Pending> PENDING = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT_ID = new AtomicLong(1);

    /** Results for calls no longer pending: a second result for one call would count here (tests). */
    private static final AtomicLong STRAY = new AtomicLong();

    /** Calls started and not yet called back (for tests: nothing is left behind). */
    static int pendingCount() {
        return PENDING.size();
    }

    /** Results that arrived for no pending call (for tests: always 0, every call completes once). */
    static long strayResults() {
        return STRAY.get();
    }

    /** One call in flight. Its monitor orders the task handle's use against the callback. */
    static final class Pending {
        final long id;
        final CompletableFuture<Outcome> future;
        final Executor executor;
        private final Backend backend;
        private long task;
        private boolean calledBack;
        private boolean cancelWanted;
        /** Set before the library's result completes the future; any other completion cancels. */
        private volatile boolean settledByLibrary;

        Pending(long id, CompletableFuture<Outcome> future, Executor executor, Backend backend) {
            this.id = id;
            this.future = future;
            this.executor = executor;
            this.backend = backend;
        }

        /** After the call started: keep the task handle, or free it if the result already came. */
        void attach(long t) {
            if (t == 0) {
                return;
            }
            boolean freeNow;
            synchronized (this) {
                freeNow = calledBack;
                if (!freeNow) {
                    task = t;
                    if (cancelWanted) {
                        backend.cancel(t);
                    }
                }
            }
            if (freeNow) {
                backend.freeTask(t);
            }
        }

        /** The future completed without the library (cancel, timeout, user completion): stop the work. */
        void cancel() {
            synchronized (this) {
                cancelWanted = true;
                if (!calledBack && task != 0) {
                    backend.cancel(task);
                }
            }
        }

        /** The result came: no more cancelling; the task handle is freed. */
        private void calledBack() {
            long t;
            synchronized (this) {
                calledBack = true;
                t = task;
                task = 0;
            }
            if (t != 0) {
                backend.freeTask(t);
            }
        }
    }

    /** Registers a call before it starts (the result may come before the start returns). */
    static Pending register(CompletableFuture<Outcome> future, Executor executor, Backend backend) {
        Pending p = new Pending(NEXT_ID.getAndIncrement(), future, executor, backend);
        PENDING.put(p.id, p);
        future.whenComplete((o, e) -> {
            if (!p.settledByLibrary) {
                p.cancel();
            }
        });
        return p;
    }

    /** The call did not start: no result will come. */
    static void unregister(Pending p) {
        PENDING.remove(p.id);
    }

    /**
     * A backend's result for call {@code id}: an outcome, or a failure. Runs on a library thread
     * and must never throw; a second result for the same id (which the backends never send) is
     * ignored.
     */
    static void completed(long id, Outcome result, Throwable failure) {
        Pending p = PENDING.remove(id);
        if (p == null) {
            STRAY.incrementAndGet();
            return;
        }
        p.calledBack();
        p.settledByLibrary = true;
        if (p.future.isDone()) {
            return; // cancelled or timed out meanwhile: nothing to hand over
        }
        Throwable f = failure == null && result == null
                ? new SiteverifyException("internal", Abi.SV_INTERNAL, "no outcome and no error")
                : failure;
        Runnable r = f == null ? () -> p.future.complete(result) : () -> p.future.completeExceptionally(f);
        try {
            p.executor.execute(r);
        } catch (RejectedExecutionException e) {
            r.run();
        }
    }
}
