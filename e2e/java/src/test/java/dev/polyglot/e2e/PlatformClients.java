package dev.polyglot.e2e;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.text.DateFormat;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.client.RestClient;
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
            // The generated models write an unset optional member as null, which no request schema allows (the
            // services answer 422): leave it out instead.
            .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
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

    /** One RestClient for the four generated ApiClients, reading JSON with {@link #STRICT}. */
    private static final RestClient REST = RestClient.builder()
            .configureMessageConverters(converters -> converters.registerDefaults()
                    .withJsonConverter(new JacksonJsonHttpMessageConverter(STRICT)))
            .build();

    static dev.polyglot.client.auth.ApiClient auth(String token) {
        var client = new dev.polyglot.client.auth.ApiClient(REST, STRICT, DATES).setBasePath(gatewayUrl());
        if (token != null) {
            client.setBearerToken(token);
        }
        return client;
    }

    static dev.polyglot.client.inference.ApiClient inference(String token) {
        var client = new dev.polyglot.client.inference.ApiClient(REST, STRICT, DATES).setBasePath(gatewayUrl());
        client.setBearerToken(token);
        return client;
    }

    static dev.polyglot.client.reporting.ApiClient reporting(String token) {
        var client = new dev.polyglot.client.reporting.ApiClient(REST, STRICT, DATES).setBasePath(gatewayUrl());
        client.setBearerToken(token);
        return client;
    }

    static dev.polyglot.client.notification.ApiClient notification(String token) {
        var client = new dev.polyglot.client.notification.ApiClient(REST, STRICT, DATES).setBasePath(gatewayUrl());
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
