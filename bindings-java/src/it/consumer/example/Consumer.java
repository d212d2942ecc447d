package example;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.siteverify.Outcome;
import org.siteverify.Provider;
import org.siteverify.Siteverify;
import org.siteverify.SiteverifyClient;

/**
 * A consumer of the published artifact only (scripts/consumer-test.sh compiles it with javac
 * --release 17 against the jar from a Maven repository and runs it on each JDK): blocking,
 * async and cancelled verifications against the mock at args[0].
 */
public final class Consumer {
    private Consumer() {}

    public static void main(String[] args) throws Exception {
        String base = args[0];
        try (SiteverifyClient client = SiteverifyClient.builder(Provider.GATEKEEPER)
                .endpoint(base + "/api/v1/token/verify")
                .secret("mock-secret")
                .expectedHostname("example.com")
                .timeout(Duration.ofSeconds(30))
                .build()) {
            Outcome pass = client.verify("pass:score=0.2");
            Outcome fail = client.verifyAsync("fail").get(10, TimeUnit.SECONDS);
            CompletableFuture<Outcome> hanging = client.verifyAsync("hang");
            boolean cancelled = hanging.cancel(true);
            try {
                hanging.join();
                cancelled = false;
            } catch (CancellationException expected) {
                // the native task was cancelled too
            }
            System.out.println("consumer java=" + Runtime.version().feature() + " path=" + Siteverify.nativePath()
                    + " accepted=" + pass.accepted() + " rejected=" + !fail.accepted() + " cancelled=" + cancelled
                    + " reason=" + fail.reason().code());
        }
    }
}
