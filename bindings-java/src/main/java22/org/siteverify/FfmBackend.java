package org.siteverify;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

import org.siteverify.Native.OutcomeString;
import org.siteverify.Native.StatsCounter;

/**
 * The FFM path (Java 22+, in the jar's {@code META-INF/versions/22}): libsiteverify's C ABI
 * through {@code java.lang.foreign}, with no JNI and no glue library. Every function of the
 * header is a downcall handle in {@link Native}; async results come back through one upcall stub.
 */
final class FfmBackend extends Backend {
    static final String LIBRARY = "siteverify";

    private static volatile SymbolLookup lookup;
    private final String source;

    FfmBackend() {
        NativeLoader.Location where = NativeLoader.locate(LIBRARY);
        SymbolLookup l;
        if (where.path() != null) {
            l = SymbolLookup.libraryLookup(where.path(), Arena.global());
        } else {
            try {
                System.loadLibrary(LIBRARY);
            } catch (UnsatisfiedLinkError e) {
                throw NativeLoader.notFound(LIBRARY, e);
            }
            l = SymbolLookup.loaderLookup();
        }
        this.source = where.source();
        checkAbi(l, source);
        lookup = l;
    }

    /** The library's symbols, for {@link Native} (only touched after the constructor succeeded). */
    static SymbolLookup lookup() {
        SymbolLookup l = lookup;
        if (l == null) {
            throw new UnsatisfiedLinkError("libsiteverify is not loaded");
        }
        return l;
    }

    /**
     * The function descriptors this class needs beside {@link Native}'s handles: the ABI check's,
     * linked before Native may be, and the upcalls'. Each is named after its C function or
     * callback type and generated from include/siteverify.h.
     */
    private static final class Signatures {
        private Signatures() {}

        // BEGIN GENERATED java-descriptors (siteverify-vocab; edit core/, then `make vocab`)
        static final FunctionDescriptor SV_ABI_VERSION = FunctionDescriptor.of(JAVA_INT);
        static final FunctionDescriptor SV_EVENT_CALLBACK = FunctionDescriptor.ofVoid(ADDRESS, ADDRESS);
        static final FunctionDescriptor SV_VERIFY_CALLBACK =
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        // END GENERATED java-descriptors
    }

    private static void checkAbi(SymbolLookup lookup, String source) {
        MethodHandle abi = Linker.nativeLinker().downcallHandle(
                lookup.find("sv_abi_version").orElseThrow(() -> new UnsatisfiedLinkError(
                        source + " is not libsiteverify (no sv_abi_version)")),
                Signatures.SV_ABI_VERSION);
        int loaded;
        try {
            loaded = (int) abi.invokeExact();
        } catch (Throwable t) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError("sv_abi_version failed in " + source);
            e.initCause(t);
            throw e;
        }
        if (loaded != Abi.SV_ABI_VERSION) {
            throw new UnsatisfiedLinkError("libsiteverify at " + source + " has ABI version " + loaded
                    + ", this binding needs ABI version " + Abi.SV_ABI_VERSION);
        }
    }

    @Override
    String name() {
        return "ffm";
    }

    @Override
    String source() {
        return source;
    }

    @Override
    String version() {
        return Native.version();
    }

    @Override
    int abiVersion() {
        return Native.abiVersion();
    }

    @Override
    String reasonStr(int number) {
        return Native.reasonStr(number);
    }

    @Override
    String statusName(int status) {
        return Native.statusStr(status);
    }

    // ---- builder ----
    @Override
    long builderNew(String provider) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            MemorySegment errOut = arena.allocate(ADDRESS);
            int status = Native.builderNewNamed(cString(arena, Utf8.cBytes(provider, "provider")), out, errOut);
            if (status != Abi.SV_OK) {
                throw Native.takeError(status, errOut.get(ADDRESS, 0));
            }
            return out.get(ADDRESS, 0).address();
        }
    }

    @Override
    void builderSet(long builder, ClientOption option) {
        MemorySegment b = MemorySegment.ofAddress(builder);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = cString(arena, Utf8.cBytes(option.name(), "option name"));
            MemorySegment errOut = arena.allocate(ADDRESS);
            int status = switch (option.kind()) {
                case TEXT -> {
                    byte[] bytes = option.textBytes();
                    MemorySegment value = cString(arena, bytes);
                    Arrays.fill(bytes, (byte) 0);
                    try {
                        yield Native.setOptionStr(b, name, value, errOut);
                    } finally {
                        value.fill((byte) 0); // the core copied it (a secret into its zeroizing copy)
                    }
                }
                case BOOL -> Native.setOptionBool(b, name, option.boolValue(), errOut);
                case WHOLE -> Native.setOptionI64(b, name, option.wholeValue(), errOut);
                case NUMBER -> Native.setOptionF64(b, name, option.numberValue(), errOut);
                case DURATION -> Native.setOptionMillis(b, name, option.millis(), errOut);
            };
            if (status != Abi.SV_OK) {
                throw Native.takeError(status, errOut.get(ADDRESS, 0));
            }
        }
    }

    @Override
    long builderBuild(long builder) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment clientOut = arena.allocate(ADDRESS);
            MemorySegment errOut = arena.allocate(ADDRESS);
            int status = Native.build(MemorySegment.ofAddress(builder), clientOut, errOut);
            if (status != Abi.SV_OK) {
                throw Native.takeError(status, errOut.get(ADDRESS, 0));
            }
            return clientOut.get(ADDRESS, 0).address();
        }
    }

    @Override
    void builderOnEvent(long builder, long events) {
        int status = Native.setEventCallback(MemorySegment.ofAddress(builder), EventUpcall.CALLBACK,
                MemorySegment.ofAddress(events));
        if (status != Abi.SV_OK) {
            throw SiteverifyException.of(status, Native.statusStr(status), "cannot set the event callback");
        }
    }

    // ---- mock ----
    @Override
    long mockStart(byte[] secret, boolean tls) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            MemorySegment errOut = arena.allocate(ADDRESS);
            MemorySegment s = secret == null ? MemorySegment.NULL : cString(arena, secret);
            int status = Native.mockStart(s, tls, out, errOut);
            if (status != Abi.SV_OK) {
                throw Native.takeError(status, errOut.get(ADDRESS, 0));
            }
            return out.get(ADDRESS, 0).address();
        }
    }

    @Override
    String mockUrl(long mock) {
        return Native.mockUrl(MemorySegment.ofAddress(mock));
    }

    @Override
    String mockEndpoint(long mock, String provider) {
        try (Arena arena = Arena.ofConfined()) {
            return Native.mockEndpoint(MemorySegment.ofAddress(mock),
                    cString(arena, Utf8.cBytes(provider, "provider")));
        }
    }

    @Override
    String mockCaPem(long mock) {
        return Native.mockCaPem(MemorySegment.ofAddress(mock));
    }

    @Override
    long mockRequests(long mock) {
        return Native.mockRequests(MemorySegment.ofAddress(mock));
    }

    @Override
    void mockFree(long mock) {
        Native.mockFree(MemorySegment.ofAddress(mock));
    }

    @Override
    void builderFree(long builder) {
        Native.builderFree(MemorySegment.ofAddress(builder));
    }

    /** Per-call options: a failed setter is the core's refusal of the value ({@code invalid-argument}). */
    private static void check(int status, String what) {
        if (status != Abi.SV_OK) {
            throw SiteverifyException.of(status, Native.statusStr(status), "invalid " + what);
        }
    }

    /** A NUL-terminated copy (the bytes come from {@link Utf8#cBytes}: no NUL inside). */
    private static MemorySegment cString(Arena arena, byte[] b) {
        MemorySegment seg = arena.allocate(b.length + 1L);
        MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, 0, b.length);
        return seg; // zeroed by the arena: the last byte is the terminator
    }

    /** The bytes without a terminator, for pointer + length arguments. */
    private static MemorySegment bytes(Arena arena, byte[] b) {
        MemorySegment seg = arena.allocate(Math.max(1, b.length));
        MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, 0, b.length);
        return seg.asSlice(0, b.length);
    }

    // ---- client ----
    @Override
    String endpoint(long client) {
        return Native.string(Native.clientEndpoint(MemorySegment.ofAddress(client)));
    }

    @Override
    void free(long client) {
        Native.clientFree(MemorySegment.ofAddress(client));
    }

    /** A native {@code sv_verify_options}, or NULL when there is nothing to send. Freed by the caller. */
    private static MemorySegment options(Arena arena, byte[] remoteIp, byte[] email) {
        if (remoteIp == null && email == null) {
            return MemorySegment.NULL;
        }
        MemorySegment out = arena.allocate(ADDRESS);
        check(Native.optionsNew(out), "options");
        MemorySegment o = out.get(ADDRESS, 0);
        try {
            if (remoteIp != null) {
                check(Native.optionsSetRemoteIp(o, cString(arena, remoteIp)), "remote IP");
            }
            if (email != null) {
                check(Native.optionsSetEmail(o, cString(arena, email)), "email");
            }
            return o;
        } catch (RuntimeException e) {
            Native.optionsFree(o);
            throw e;
        }
    }

    @Override
    Outcome verify(long client, byte[] token, byte[] remoteIp, byte[] email, String[] nativeJson) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tok = bytes(arena, token);
            MemorySegment nativeOptions = options(arena, remoteIp, email);
            try {
                MemorySegment outcomeOut = arena.allocate(ADDRESS);
                MemorySegment errOut = arena.allocate(ADDRESS);
                int status = Native.verify(MemorySegment.ofAddress(client), tok, tok.byteSize(), nativeOptions,
                        outcomeOut, errOut);
                if (status != Abi.SV_OK) {
                    throw Native.takeError(status, errOut.get(ADDRESS, 0));
                }
                MemorySegment o = outcomeOut.get(ADDRESS, 0);
                try {
                    if (nativeJson != null) {
                        nativeJson[0] = Native.outcomeString(OutcomeString.JSON, o);
                    }
                    return readOutcome(o);
                } finally {
                    Native.outcomeFree(o);
                }
            } finally {
                Native.optionsFree(nativeOptions);
            }
        }
    }

    @Override
    long verifyAsync(long client, byte[] token, byte[] remoteIp, byte[] email, long id) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tok = bytes(arena, token);
            MemorySegment nativeOptions = options(arena, remoteIp, email);
            try {
                MemorySegment taskOut = arena.allocate(ADDRESS);
                MemorySegment errOut = arena.allocate(ADDRESS);
                int status = Native.verifyAsync(MemorySegment.ofAddress(client), tok, tok.byteSize(), nativeOptions,
                        Upcall.CALLBACK, MemorySegment.ofAddress(id), taskOut, errOut);
                if (status != Abi.SV_OK) {
                    throw Native.takeError(status, errOut.get(ADDRESS, 0));
                }
                return taskOut.get(ADDRESS, 0).address();
            } finally {
                Native.optionsFree(nativeOptions);
            }
        }
    }

    @Override
    void cancel(long task) {
        Native.taskCancel(MemorySegment.ofAddress(task));
    }

    @Override
    void freeTask(long task) {
        Native.taskFree(MemorySegment.ofAddress(task));
    }

    @Override
    Stats stats(long client) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int status = Native.clientStats(MemorySegment.ofAddress(client), out);
            if (status != Abi.SV_OK) {
                throw Native.takeError(status, MemorySegment.NULL);
            }
            MemorySegment s = out.get(ADDRESS, 0);
            try {
                return readStats(s);
            } finally {
                Native.statsFree(s);
            }
        }
    }

    @Override
    void testingArmInjectedPanic(boolean armed) {
        Native.Testing.armInjectedPanic(armed);
    }

    @Override
    String testingPanicToken() {
        return Native.Testing.panicToken();
    }

    // ---- async ----
    /**
     * One upcall stub for one static method serves every call; the C {@code userdata} is not a
     * pointer but the call's number in {@link Async}.
     */
    private static final class Upcall {
        /** {@code void (*)(void *userdata, int32_t status, sv_outcome *outcome, sv_error *error)}. */
        static final MemorySegment CALLBACK;

        static {
            try {
                CALLBACK = Native.LINKER.upcallStub(
                        MethodHandles.lookup().findStatic(FfmBackend.class, "onVerified",
                                Signatures.SV_VERIFY_CALLBACK.toMethodType()),
                        Signatures.SV_VERIFY_CALLBACK,
                        Arena.global());
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /**
     * The event callback: one upcall stub for every client; the C {@code userdata} is the
     * client's number in {@link Events}, not a pointer.
     */
    private static final class EventUpcall {
        /** {@code void (*)(void *userdata, const char *event_json)}. */
        static final MemorySegment CALLBACK;

        static {
            try {
                CALLBACK = Native.LINKER.upcallStub(
                        MethodHandles.lookup().findStatic(FfmBackend.class, "onEvent",
                                Signatures.SV_EVENT_CALLBACK.toMethodType()),
                        Signatures.SV_EVENT_CALLBACK,
                        Arena.global());
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /** The event upcall, on the verifying thread. It must never throw: that would end the JVM. */
    private static void onEvent(MemorySegment userdata, MemorySegment json) {
        try {
            long events = userdata.address();
            if (Events.wanted(events)) {
                Events.deliver(events, VerificationEvent.fromJson(Native.string(json)));
            }
        } catch (Throwable ignored) {
            // A verdict never depends on its event.
        }
    }

    /**
     * The upcall. It must never throw: an exception escaping an upcall ends the JVM. It frees
     * the outcome and error it owns whatever happens.
     */
    private static void onVerified(MemorySegment userdata, int status, MemorySegment outcome, MemorySegment error) {
        try {
            Outcome result = null;
            Throwable failure = null;
            try {
                if (status == Abi.SV_OK && !outcome.equals(MemorySegment.NULL)) {
                    result = readOutcome(outcome);
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
            Async.completed(userdata.address(), result, failure);
        } catch (Throwable ignored) {
            // Nothing may escape; the future is then completed by nobody, which the tests would catch.
        }
    }

    // ---- reading native objects ----
    /** Reads every field of a native {@code sv_outcome} (not freed here). */
    static Outcome readOutcome(MemorySegment o) {
        OptionalDouble score;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_DOUBLE);
            score = Native.outcomeScore(o, out) ? OptionalDouble.of(out.get(ValueLayout.JAVA_DOUBLE, 0))
                                                : OptionalDouble.empty();
        }
        long n = Native.outcomeErrorCodeCount(o);
        List<String> codes = new ArrayList<>((int) Math.min(n, 64));
        for (long i = 0; i < n; i++) {
            String c = Native.outcomeErrorCode(o, i);
            if (c != null) {
                codes.add(c);
            }
        }
        int http = Native.outcomeHttpStatus(o);
        Reason reason = Reason.fromNumber(Native.outcomeReason(o));
        if (reason == Reason.UNKNOWN) {
            reason = Reason.fromCode(Native.outcomeReasonStr(o));
        }
        return new Outcome(
                Native.outcomeAccepted(o),
                Native.outcomeVerified(o),
                Native.outcomeConclusive(o),
                reason,
                score,
                str(OutcomeString.HOSTNAME, o),
                str(OutcomeString.ACTION, o),
                str(OutcomeString.CHALLENGE_TS, o),
                str(OutcomeString.TIMESTAMP, o),
                str(OutcomeString.ERROR_KEY, o),
                codes,
                str(OutcomeString.PROVIDER_REASON, o),
                http == 0 ? OptionalInt.empty() : OptionalInt.of(http),
                Native.outcomeRetryable(o),
                (int) Math.min(Native.outcomeAttempts(o), Integer.MAX_VALUE),
                Native.outcomeFailOpenSuspected(o),
                str(OutcomeString.DETAIL, o));
    }

    private static Optional<String> str(OutcomeString field, MemorySegment o) {
        return Optional.ofNullable(Native.outcomeString(field, o));
    }

    /** Reads every field of a native {@code sv_stats} (not freed here). */
    static Stats readStats(MemorySegment s) {
        Map<Reason, Long> byReason = new EnumMap<>(Reason.class);
        for (Reason r : Reason.values()) {
            if (r != Reason.UNKNOWN) {
                long n = Native.statsReasonCount(s, r.number());
                if (n > 0) {
                    byReason.put(r, n);
                }
            }
        }
        Map<String, Long> byErrorKey = new HashMap<>();
        long keys = Native.statsErrorKeyLen(s);
        for (long i = 0; i < keys; i++) {
            MemorySegment key = Native.statsErrorKeyAt(s, i);
            if (!key.equals(MemorySegment.NULL)) {
                byErrorKey.put(Native.string(key), Native.statsErrorKeyCount(s, key));
            }
        }
        Stats.Timings t = Stats.Timings.fromJson(Native.statsToJson(s));
        return new Stats(
                Native.statsCounter(StatsCounter.VERIFICATIONS, s),
                Native.statsCounter(StatsCounter.ACCEPTED, s),
                Native.statsCounter(StatsCounter.NOT_ACCEPTED, s),
                Native.statsCounter(StatsCounter.INCONCLUSIVE, s),
                Native.statsCounter(StatsCounter.FAIL_OPEN_SUSPECTED, s),
                Native.statsCounter(StatsCounter.RETRIES, s),
                Native.statsCounter(StatsCounter.ERRORS, s),
                Native.statsCounter(StatsCounter.OUTAGE_ACCEPTED, s),
                Native.statsCounter(StatsCounter.OUTAGE_REFUSED, s),
                Native.statsCounter(StatsCounter.OUTAGE_PROBES, s),
                Native.statsProviderHealth(s),
                t.verificationSeconds(),
                t.roundTripSeconds(),
                t.byAttempts(),
                byReason,
                byErrorKey);
    }
}
