package dev.polyglot.sandbox;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.net.http.HttpClient;
import java.text.DateFormat;
import java.util.function.Supplier;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The generated clients of the four OpenAPI documents, pointed at the sandbox's gateway (a test may point one at a
 * service's own URL with {@code setBasePath}). Their JSON reader ignores a
 * member it does not know (a team's tests should not break when the platform adds one: the e2e suite is where drift is
 * caught), and their writer leaves unset optional members out (the generated models write them as null, which no
 * request schema allows).
 */
final class SandboxClients {

    private static final DateFormat DATES = dev.polyglot.client.auth.ApiClient.createDefaultDateFormat();
    private static final JsonMapper JSON = JsonMapper.builder()
            .defaultDateFormat(DATES)
            .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
            .build();
    /**
     * HTTP/1.1: the JDK client's default, HTTP/2, asks a plain-HTTP server to upgrade, and uvicorn (the Python
     * services, which a test may call directly at their service URLs) then reads the request without its body.
     */
    private static final RestClient REST = RestClient.builder()
            .requestFactory(new JdkClientHttpRequestFactory(HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1).build()))
            .configureMessageConverters(converters -> converters.registerDefaults()
                    .withJsonConverter(new JacksonJsonHttpMessageConverter(JSON)))
            .build();

    private final String gatewayUrl;

    SandboxClients(String gatewayUrl) {
        this.gatewayUrl = gatewayUrl;
    }

    /** auth-service's client; anonymous when {@code token} is null. */
    dev.polyglot.client.auth.ApiClient auth(Supplier<String> token) {
        var client = new dev.polyglot.client.auth.ApiClient(REST, JSON, DATES).setBasePath(gatewayUrl);
        if (token != null) {
            client.setBearerToken(token);
        }
        return client;
    }

    dev.polyglot.client.inference.ApiClient inference(Supplier<String> token) {
        var client = new dev.polyglot.client.inference.ApiClient(REST, JSON, DATES).setBasePath(gatewayUrl);
        client.setBearerToken(token);
        return client;
    }

    dev.polyglot.client.reporting.ApiClient reporting(Supplier<String> token) {
        var client = new dev.polyglot.client.reporting.ApiClient(REST, JSON, DATES).setBasePath(gatewayUrl);
        client.setBearerToken(token);
        return client;
    }

    dev.polyglot.client.notification.ApiClient notification(Supplier<String> token) {
        var client = new dev.polyglot.client.notification.ApiClient(REST, JSON, DATES).setBasePath(gatewayUrl);
        client.setBearerToken(token);
        return client;
    }
}
