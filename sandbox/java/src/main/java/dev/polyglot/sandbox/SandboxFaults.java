package dev.polyglot.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fault controls of {@code ./platform fault} for a test: latency, connection resets and cuts on the platform's
 * links, through the fault proxy's (toxiproxy's) HTTP API, with the same link names and toxics as
 * launcher/faults.py. Needs a sandbox started with faults ({@code @PlatformSandboxTest(faults = true)}); every fault is
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
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String apiUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    SandboxFaults(String apiUrl) {
        this.apiUrl = apiUrl;
    }

    /** The names of the links, sorted. */
    public List<String> links() {
        List<String> names = new ArrayList<>();
        request("GET", "/proxies", null).properties().forEach(proxy -> names.add(proxy.getKey()));
        names.sort(null);
        return names;
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
            setToxic(proxy, LATENCY, "latency", "downstream", 1.0,
                    Map.of("latency", latency.toMillis(), "jitter", jitter.toMillis()));
        }
    }

    /**
     * A share {@code fraction} (above 0, at most 1) of the connections on {@code link} are reset as the client sends on
     * them. Drawn per connection, not per request: a client that keeps connections open fails on the ones drawn bad.
     */
    public void errors(String link, double fraction) {
        if (!(fraction > 0.0 && fraction <= 1.0)) {
            throw new IllegalArgumentException("the fraction of connections to reset must be above 0 and at most 1, "
                    + "got " + fraction);
        }
        for (String proxy : resolve(link)) {
            setToxic(proxy, ERRORS, "reset_peer", "upstream", fraction, Map.of("timeout", 0));
        }
    }

    /** The link stops listening and drops its open connections: clients see connections refused. */
    public void cut(String link) {
        for (String proxy : resolve(link)) {
            request("POST", "/proxies/" + proxy, Map.of("enabled", false));
        }
    }

    public void restore(String link) {
        for (String proxy : resolve(link)) {
            request("POST", "/proxies/" + proxy, Map.of("enabled", true));
        }
    }

    /** Every fault removed, every link enabled (toxiproxy's POST /reset); done after each test. */
    public void clear() {
        request("POST", "/reset", null);
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

    private void setToxic(String proxy, String name, String type, String stream, double toxicity,
                          Map<String, Object> attributes) {
        Map<String, Object> toxic = Map.of("name", name, "type", type, "stream", stream, "toxicity", toxicity,
                "attributes", attributes);
        try {
            request("POST", "/proxies/" + proxy + "/toxics", toxic);
        } catch (FaultProxyException refused) {
            if (refused.status != 409) { // 409 Conflict: a toxic of that name is there; give it the new values
                throw refused;
            }
            request("POST", "/proxies/" + proxy + "/toxics/" + name, toxic);
        }
    }

    private JsonNode request(String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiUrl + path)).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException unreachable) {
            throw new FaultProxyException("the fault proxy at " + apiUrl + " does not answer (" + unreachable + ")", 0);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new FaultProxyException("interrupted while calling the fault proxy", 0);
        }
        if (response.statusCode() >= 300) {
            throw new FaultProxyException(method + " " + path + ": HTTP " + response.statusCode() + " "
                    + response.body().strip(), response.statusCode());
        }
        return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    /** The fault proxy refused a request ({@code status}), or is not there (status 0). */
    public static final class FaultProxyException extends RuntimeException {

        private final int status;

        FaultProxyException(String message, int status) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
