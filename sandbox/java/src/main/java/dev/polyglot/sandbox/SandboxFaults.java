package dev.polyglot.sandbox;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.Toxic;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The fault controls of {@code ./platform fault} for a test: latency, connection resets and cuts on the platform's
 * links, through toxiproxy's own Java client, with the same link names and toxics as launcher/faults.py. Needs a sandbox started with faults ({@code @PlatformSandboxTest(faults = true)}); every fault is
 * cleared after each test.
 */
public final class SandboxFaults {

    /** The links (launcher/faults.py): the gateway to each service, every service to Redis and to PostgreSQL. */
    public static final String AUTH_SERVICE = "auth-service";
    public static final String NOTIFICATION_SERVICE = "notification-service";
    public static final String INFERENCE_BRIDGE = "inference-bridge";
    public static final String REPORTING_BRIDGE = "reporting-bridge";
    public static final String REDIS = "redis";
    /** Present only when the services use PostgreSQL (a sandbox uses the embedded databases by default). */
    public static final String POSTGRES = "postgres";

    private static final String LATENCY = "latency";
    private static final String ERRORS = "errors";

    private final String apiUrl;
    private final ToxiproxyClient toxiproxy;

    SandboxFaults(String apiUrl) {
        URI api = URI.create(apiUrl);
        this.apiUrl = apiUrl;
        this.toxiproxy = new ToxiproxyClient(api.getHost(), api.getPort());
    }

    /** The names of the links, sorted. */
    public List<String> links() {
        return call(() -> toxiproxy.getProxies().stream().map(Proxy::getName).sorted().toList());
    }

    /** Every chunk of the answers on {@code link} is delayed by {@code latency}; replaces an earlier latency. */
    public void latency(String link, Duration latency) {
        latency(link, latency, Duration.ZERO);
    }

    /** As {@link #latency(String, Duration)}, give or take {@code jitter}. */
    public void latency(String link, Duration latency, Duration jitter) {
        if (latency.isNegative() || jitter.isNegative()) {
            throw new IllegalArgumentException("latency and jitter cannot be negative");
        }
        for (String proxy : resolve(link)) {
            call(() -> withoutToxic(proxy, LATENCY).toxics()
                    .latency(LATENCY, ToxicDirection.DOWNSTREAM, latency.toMillis()).setJitter(jitter.toMillis()));
        }
    }

    /**
     * A share {@code fraction} (above 0, at most 1) of the connections on {@code link} are reset as the client sends on
     * them. Drawn per connection, not per request: a client that keeps connections open fails on the ones drawn bad.
     * (toxiproxy's client creates a toxic at full toxicity, then sets the fraction: a connection opened in between,
     * a millisecond or so, is reset whatever the fraction.)
     */
    public void errors(String link, double fraction) {
        if (!(fraction > 0.0 && fraction <= 1.0)) {
            throw new IllegalArgumentException("the fraction of connections to reset must be above 0 and at most 1, "
                    + "got " + fraction);
        }
        for (String proxy : resolve(link)) {
            call(() -> {
                withoutToxic(proxy, ERRORS).toxics().resetPeer(ERRORS, ToxicDirection.UPSTREAM, 0)
                        .setToxicity((float) fraction);
                return null;
            });
        }
    }

    /** The link stops listening and drops its open connections: clients see connections refused. */
    public void cut(String link) {
        for (String proxy : resolve(link)) {
            call(() -> {
                toxiproxy.getProxy(proxy).disable();
                return null;
            });
        }
    }

    public void restore(String link) {
        for (String proxy : resolve(link)) {
            call(() -> {
                toxiproxy.getProxy(proxy).enable();
                return null;
            });
        }
    }

    /** Every fault removed, every link enabled (toxiproxy's POST /reset); done after each test. */
    public void clear() {
        call(() -> {
            toxiproxy.reset();
            return null;
        });
    }

    private List<String> resolve(String link) {
        return resolve(link, links());
    }

    /** The proxies among {@code names} a link name stands for: {@code postgres} is {@code postgres-auth} and
     * {@code postgres-reporting} when the two databases are on two servers. */
    static List<String> resolve(String link, List<String> names) {
        List<String> matching = names.stream().filter(link::equals).toList();
        if (matching.isEmpty()) {
            matching = names.stream().filter(name -> name.startsWith(link + "-")).toList();
        }
        if (matching.isEmpty()) {
            throw new IllegalArgumentException("no link '" + link + "'; links: " + String.join(", ", names));
        }
        return matching;
    }

    /** The proxy, without the toxic {@code name} if it had one: a new fault of a kind replaces the earlier one. */
    private Proxy withoutToxic(String proxy, String name) throws IOException {
        Proxy found = toxiproxy.getProxy(proxy);
        for (Toxic toxic : found.toxics().getAll()) {
            if (toxic.getName().equals(name)) {
                toxic.remove();
            }
        }
        return found;
    }

    private interface ProxyCall<T> {
        T run() throws IOException;
    }

    private <T> T call(ProxyCall<T> call) {
        try {
            return call.run();
        } catch (IOException failed) {
            throw new FaultProxyException("the fault proxy at " + apiUrl + " refused or did not answer: " + failed, failed);
        }
    }

    /** The fault proxy refused a request, or is not there. */
    public static final class FaultProxyException extends RuntimeException {

        FaultProxyException(String message, IOException cause) {
            super(message, cause);
        }
    }
}
