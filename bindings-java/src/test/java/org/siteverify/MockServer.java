package org.siteverify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** The mock provider ({@code siteverify-mock --port 0}), started once for the whole test JVM. */
final class MockServer {
    private static String url;
    private static final AtomicLong UNIQ = new AtomicLong();

    private MockServer() {}

    /** The mock's base URL, e.g. {@code http://127.0.0.1:40123}. */
    static synchronized String url() {
        if (url == null) {
            url = start();
        }
        return url;
    }

    static String prosopo() {
        return url() + "/siteverify";
    }

    static String gatekeeper() {
        return url() + "/api/v1/token/verify";
    }

    /** A string unique to this JVM run, for single-use and counting scenarios. */
    static String uniq(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + UNIQ.incrementAndGet();
    }

    static ClientBuilder gatekeeperClient() {
        return new ClientBuilder(Provider.GATEKEEPER).secret("mock-secret").endpoint(gatekeeper());
    }

    static ClientBuilder prosopoClient() {
        return new ClientBuilder(Provider.PROSOPO).secret("mock-secret").endpoint(prosopo());
    }

    /** A mock of one's own, for tests that count what reached it; {@link #close()} ends it. */
    static final class Private implements AutoCloseable {
        final String url;
        private final Process process;
        private long statsReads;

        private Private(String url, Process process) {
            this.url = url;
            this.process = process;
        }

        String gatekeeper() {
            return url + "/api/v1/token/verify";
        }

        String prosopo() {
            return url + "/siteverify";
        }

        /**
         * Requests the mock served so far ({@code GET /__mock/stats}, {@code requests}), not
         * counting the stats requests made here.
         */
        long requests() {
            // The mock counts its stats requests too, this one included.
            return stats(url).get("requests").getAsLong() - ++statsReads;
        }

        @Override
        public void close() {
            process.destroy();
        }
    }

    static Private startPrivate() {
        Process[] p = new Process[1];
        String u = start(p);
        return new Private(u, p[0]);
    }

    /** {@code GET /__mock/stats} of the mock at {@code base}. */
    static com.google.gson.JsonObject stats(String base) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(base + "/__mock/stats").toURL().openConnection();
            try (InputStream in = c.getInputStream()) {
                return com.google.gson.JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                        .getAsJsonObject();
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the mock's stats", e);
        }
    }

    private static String start() {
        return start(new Process[1]);
    }

    private static String start(Process[] started) {
        Path bin = TestPaths.mockBin();
        if (!Files.isExecutable(bin)) {
            throw new IllegalStateException("mock provider not found at " + bin + " (run `make build` at the repository root)");
        }
        try {
            Process p = new ProcessBuilder(bin.toString(), "--port", "0")
                    .redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
            started[0] = p;
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = r.readLine();
            if (first == null || !first.startsWith("http")) {
                p.destroy();
                throw new IllegalStateException("the mock did not print its URL: " + first);
            }
            Thread drain = new Thread(() -> {
                try {
                    while (r.readLine() != null) {
                        // keep the pipe from filling up
                    }
                } catch (IOException ignored) {
                    // the mock ended
                }
            }, "mock-stdout");
            drain.setDaemon(true);
            drain.start();
            return first.trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the mock provider " + bin, e);
        }
    }
}
