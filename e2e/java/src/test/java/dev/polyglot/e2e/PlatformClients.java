package dev.polyglot.e2e;

import java.text.DateFormat;
import org.springframework.web.client.RestClientResponseException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The generated clients of the four documents, pointed at the gateway, each with a strict JSON reader: a member a
 * response carries that its contract does not declare fails the call (the generated default ignores it, which would
 * hide drift in exactly the test that should see it).
 */
final class PlatformClients {

    private static final DateFormat DATES = dev.polyglot.client.auth.ApiClient.createDefaultDateFormat();
    static final JsonMapper STRICT = JsonMapper.builder()
            .defaultDateFormat(DATES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private PlatformClients() {
    }

    static String gatewayUrl() {
        String url = System.getProperty("gateway.url", "");
        if (url.isBlank() || url.contains("${")) {
            throw new IllegalStateException("gateway.url is not set: run these tests through ./platform test e2e, or "
                    + "./mvnw -pl e2e/java -am verify -Pe2e -Dgateway.url=http://localhost:8080 against a running platform");
        }
        return url.replaceAll("/+$", "");
    }

    static dev.polyglot.client.auth.ApiClient auth(String token) {
        var client = new dev.polyglot.client.auth.ApiClient(
                dev.polyglot.client.auth.ApiClient.buildRestClient(STRICT), STRICT, DATES);
        client.setBasePath(gatewayUrl());
        if (token != null) {
            client.setBearerToken(token);
        }
        return client;
    }

    static dev.polyglot.client.inference.ApiClient inference(String token) {
        var client = new dev.polyglot.client.inference.ApiClient(
                dev.polyglot.client.inference.ApiClient.buildRestClient(STRICT), STRICT, DATES);
        client.setBasePath(gatewayUrl());
        client.setBearerToken(token);
        return client;
    }

    static dev.polyglot.client.reporting.ApiClient reporting(String token) {
        var client = new dev.polyglot.client.reporting.ApiClient(
                dev.polyglot.client.reporting.ApiClient.buildRestClient(STRICT), STRICT, DATES);
        client.setBasePath(gatewayUrl());
        client.setBearerToken(token);
        return client;
    }

    static dev.polyglot.client.notification.ApiClient notification(String token) {
        var client = new dev.polyglot.client.notification.ApiClient(
                dev.polyglot.client.notification.ApiClient.buildRestClient(STRICT), STRICT, DATES);
        client.setBasePath(gatewayUrl());
        client.setBearerToken(token);
        return client;
    }

    /**
     * The problem+json body of a refused call. Read as a tree, not strictly: RFC 9457 lets a problem carry extension
     * members, and the contract's Problem says clients must ignore those they do not know.
     */
    static JsonNode problem(RestClientResponseException refused) {
        return STRICT.readTree(refused.getResponseBodyAsString());
    }
}
