// make bench's Java client: HttpURLConnection and java.net.http.HttpClient (the best native
// clients) beside siteverify's verify and verifyAsync (FFM on 22+, JNI on 17-21), sequential and
// 64 futures in flight, against the zero-logic nginx. Compiled with javac --release 17 against
// bindings-java/target/siteverify-*.jar. Usage: java Bench <base-url> <tag>; SV_BENCH_N,
// SV_BENCH_ROUNDS, SV_BENCH_WARMUP, SV_BENCH_ONLY (one row alone). Prints
// `ROW\t<label>\t<ops>\t<wall s>\t<cpu s>` per round (cpu: the JVM process's CPU time,
// OperatingSystemMXBean). No timing assertions.

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.siteverify.Provider;
import org.siteverify.SiteverifyClient;

public final class Bench {
    static final String TOKEN = "bench-token";
    static final int N = env("SV_BENCH_N", 2000);
    static final int ROUNDS = env("SV_BENCH_ROUNDS", 5);
    static final int WARMUP = env("SV_BENCH_WARMUP", 500);
    static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    static int env(String name, int def) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? def : Integer.parseInt(v);
    }

    /** A row whose client failed: reported as that row's SKIP, and the other rows still run. */
    static final class RowFailed extends RuntimeException {
        RowFailed(String message) {
            super(message);
        }
    }

    static void fail(String label) {
        fail(label, null);
    }

    static void fail(String label, Throwable cause) {
        String why = cause == null ? "" : " (" + cause + ")";
        throw new RowFailed(label + ": a verification was not accepted" + why);
    }

    interface Run {
        void run(int k) throws Exception;
    }

    /**
     * make bench-profile: SV_BENCH_PERF_CTL/SV_BENCH_PERF_ACK are perf's --control fifos;
     * "enable"/"disable" bracket the measured rounds, each waiting for perf's ack.
     */
    static void perfControl(String command) throws java.io.IOException {
        String ctl = System.getenv("SV_BENCH_PERF_CTL");
        String ack = System.getenv("SV_BENCH_PERF_ACK");
        if (ctl == null || ack == null) return;
        try (OutputStream o = new java.io.FileOutputStream(ctl)) {
            o.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        try (InputStream in = new java.io.FileInputStream(ack)) {
            in.read(new byte[16]);
        }
    }

    static void measure(String label, Run run) throws Exception {
        // SV_BENCH_ONLY=<label>: every other row is left out.
        String only = System.getenv("SV_BENCH_ONLY");
        if (only != null && !only.isEmpty() && !only.equals(label)) return;
        try {
            run.run(WARMUP);
            perfControl("enable");
            for (int r = 0; r < ROUNDS; r++) {
                long c0 = OS.getProcessCpuTime();
                long t0 = System.nanoTime();
                run.run(N);
                double wall = (System.nanoTime() - t0) / 1e9;
                double cpu = (OS.getProcessCpuTime() - c0) / 1e9;
                System.out.printf("ROW\t%s\t%d\t%.6f\t%.6f%n", label, N, wall, cpu);
            }
        } catch (RowFailed e) {
            System.err.println("bench (java): " + e.getMessage());
            System.out.printf("SKIP\t%s\t%s%n", label, e.getMessage().replace('\t', ' ').replace('\n', ' '));
        } finally {
            perfControl("disable");
        }
    }

    static Run sequential(String label, BooleanSupplier op) {
        return k -> {
            for (int i = 0; i < k; i++) {
                if (!op.getAsBoolean()) fail(label);
            }
        };
    }

    /** 64 in flight: a permit per pending future; each completion frees one. */
    static Run inFlight(String label, Supplier<CompletableFuture<Boolean>> op) {
        return k -> {
            Semaphore permits = new Semaphore(64);
            AtomicBoolean failed = new AtomicBoolean();
            java.util.concurrent.atomic.AtomicReference<Throwable> firstError = new java.util.concurrent.atomic.AtomicReference<>();
            for (int i = 0; i < k; i++) {
                permits.acquire();
                op.get().whenComplete((ok, err) -> {
                    if (err != null) firstError.compareAndSet(null, err);
                    if (err != null || !ok) failed.set(true);
                    permits.release();
                });
            }
            permits.acquire(64);
            if (failed.get()) fail(label, firstError.get());
        };
    }

    static boolean verifiedJson(String s) {
        return s.contains("\"verified\":true");
    }

    public static void main(String[] args) throws Exception {
        String url = args[0] + "/siteverify";
        String tag = args[1];
        byte[] body = ("{\"secret\":\"bench-secret\",\"token\":\"" + TOKEN + "\"}").getBytes(StandardCharsets.UTF_8);
        URL u = URI.create(url).toURL();
        byte[] buf = new byte[4096];

        // HttpURLConnection: keep-alive is the JDK's default when each body is read to the end and closed.
        measure(tag + " HttpURLConnection, sequential", sequential("HttpURLConnection", () -> {
            try {
                HttpURLConnection c = (HttpURLConnection) u.openConnection();
                c.setRequestMethod("POST");
                c.setDoOutput(true);
                c.setRequestProperty("Content-Type", "application/json");
                c.setFixedLengthStreamingMode(body.length);
                try (OutputStream o = c.getOutputStream()) {
                    o.write(body);
                }
                if (c.getResponseCode() != 200) return false;
                StringBuilder sb = new StringBuilder();
                try (InputStream in = c.getInputStream()) {
                    for (int n; (n = in.read(buf)) > 0; ) sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
                return verifiedJson(sb.toString());
            } catch (Exception e) {
                return false;
            }
        }));

        HttpClient hc = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        measure(tag + " HttpClient.send, sequential", sequential("HttpClient.send", () -> {
            try {
                HttpResponse<String> r = hc.send(req, HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 && verifiedJson(r.body());
            } catch (Exception e) {
                return false;
            }
        }));

        try (SiteverifyClient sv = SiteverifyClient.builder(Provider.PROSOPO).secret("bench-secret").endpoint(url).build()) {
            measure(tag + " siteverify verify, sequential", sequential("siteverify verify", () -> sv.verify(TOKEN).accepted()));
            measure(tag + " HttpClient.sendAsync, 64 in flight", inFlight("HttpClient.sendAsync",
                    () -> hc.sendAsync(req, HttpResponse.BodyHandlers.ofString())
                            .thenApply(r -> r.statusCode() == 200 && verifiedJson(r.body()))));
            measure(tag + " siteverify verifyAsync, 64 in flight", inFlight("siteverify verifyAsync",
                    () -> sv.verifyAsync(TOKEN).thenApply(o -> o.accepted())));
        }
    }
}
