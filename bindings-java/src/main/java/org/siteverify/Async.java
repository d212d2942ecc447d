package org.siteverify;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bridge between {@code sv_client_verify_async} and {@link CompletableFuture}.
 *
 * <p>One upcall stub for one static method serves every call. The C {@code userdata} is not a
 * pointer but a number, the key of the call's {@link Pending} in a map: no Java object address
 * ever reaches C. The callback runs on a library thread; it copies and frees what it received
 * and hands the completion to the client's executor, so that user code chained on the future
 * never runs on (or blocks) a library thread.
 */
final class Async {
    private Async() {}

    private static final ConcurrentHashMap<Long, Pending> PENDING = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT_ID = new AtomicLong(1);

    /** {@code void (*)(void *userdata, int32_t status, sv_outcome *outcome, sv_error *error)}. */
    static final MemorySegment CALLBACK;

    static {
        try {
            CALLBACK = Native.LINKER.upcallStub(
                    MethodHandles.lookup().findStatic(Async.class, "onVerified", MethodType.methodType(
                            void.class, MemorySegment.class, int.class, MemorySegment.class, MemorySegment.class)),
                    FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, ADDRESS),
                    Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Calls started and not yet called back (for tests: nothing is left behind). */
    static int pendingCount() {
        return PENDING.size();
    }

    /** One call in flight. Its monitor orders the task handle's use against the callback. */
    static final class Pending {
        final long id;
        final CompletableFuture<Outcome> future;
        final Executor executor;
        private MemorySegment task = MemorySegment.NULL;
        private boolean calledBack;
        private boolean cancelWanted;
        /** Set before the library's result completes the future; any other completion cancels. */
        private volatile boolean settledByLibrary;

        Pending(long id, CompletableFuture<Outcome> future, Executor executor) {
            this.id = id;
            this.future = future;
            this.executor = executor;
        }

        /** After a successful {@code sv_client_verify_async}: keep the task handle, or free it if already done. */
        void attach(MemorySegment t) {
            if (t.equals(MemorySegment.NULL)) {
                return;
            }
            boolean freeNow;
            synchronized (this) {
                freeNow = calledBack;
                if (!freeNow) {
                    task = t;
                    if (cancelWanted) {
                        Native.taskCancel(t);
                    }
                }
            }
            if (freeNow) {
                Native.taskFree(t);
            }
        }

        /** The future completed without the library (cancel, timeout, user completion): stop the work. */
        void cancel() {
            synchronized (this) {
                cancelWanted = true;
                if (!calledBack && !task.equals(MemorySegment.NULL)) {
                    Native.taskCancel(task);
                }
            }
        }

        /** Called from the callback: no more cancelling; the task handle is freed. */
        private void calledBack() {
            MemorySegment t;
            synchronized (this) {
                calledBack = true;
                t = task;
                task = MemorySegment.NULL;
            }
            if (!t.equals(MemorySegment.NULL)) {
                Native.taskFree(t);
            }
        }
    }

    /** Registers a call before it starts (the callback may run before {@code verify_async} returns). */
    static Pending register(CompletableFuture<Outcome> future, Executor executor) {
        Pending p = new Pending(NEXT_ID.getAndIncrement(), future, executor);
        PENDING.put(p.id, p);
        future.whenComplete((o, e) -> {
            if (!p.settledByLibrary) {
                p.cancel();
            }
        });
        return p;
    }

    /** The call did not start: the callback will never run. */
    static void unregister(Pending p) {
        PENDING.remove(p.id);
    }

    static MemorySegment userdata(Pending p) {
        return MemorySegment.ofAddress(p.id);
    }

    /**
     * The upcall. It must never throw: an exception escaping an upcall ends the JVM. It frees
     * the outcome and error it owns whatever happens.
     */
    private static void onVerified(MemorySegment userdata, int status, MemorySegment outcome, MemorySegment error) {
        try {
            Pending p = PENDING.remove(userdata.address());
            Outcome result = null;
            Throwable failure = null;
            try {
                if (status == Abi.SV_OK && !outcome.equals(MemorySegment.NULL)) {
                    result = Outcomes.read(outcome);
                } else {
                    failure = Native.takeError(status == Abi.SV_OK ? Abi.SV_INTERNAL : status, error);
                    error = MemorySegment.NULL; // freed by takeError
                }
            } catch (Throwable t) {
                failure = t;
            } finally {
                Native.outcomeFree(outcome);
                Native.errorFree(error);
            }
            if (p == null) {
                return; // cannot happen: every id is registered before the call
            }
            p.calledBack();
            p.settledByLibrary = true;
            complete(p, result, failure);
        } catch (Throwable ignored) {
            // Nothing may escape; the future is then completed by nobody, which the tests would catch.
        }
    }

    private static void complete(Pending p, Outcome result, Throwable failure) {
        if (p.future.isDone()) {
            return; // cancelled or timed out meanwhile: nothing to hand over
        }
        Runnable r = failure == null ? () -> p.future.complete(result) : () -> p.future.completeExceptionally(failure);
        try {
            p.executor.execute(r);
        } catch (RejectedExecutionException e) {
            r.run();
        }
    }
}
