package dev.polyglot.servicekit.testing;

import static dev.polyglot.servicekit.testing.TestHttp.contentType;
import static dev.polyglot.servicekit.testing.TestHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Checks that a service really serves its live OpenAPI document with springdoc (on Boot 4 a library can
 * load and do nothing): /v3/api-docs is OpenAPI 3.1 and lists the service's operations, and only those;
 * /docs leads to Swagger UI. The semantic comparison with the contract is e2e/test_contract_drift.py.
 */
public final class LiveOpenApi {

    private LiveOpenApi() {
    }

    /**
     * @param operations expected operations, {@code "GET /api/auth/service-info" -> "getAuthServiceInfo"}
     * @return the live document
     */
    public static JsonNode assertServes(TestHttp http, Map<String, String> operations) {
        HttpResponse<String> response = http.get("/v3/api-docs");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(contentType(response)).startsWith("application/json");
        JsonNode document = json(response);
        assertThat(document.path("openapi").asString()).startsWith("3.1.");

        List<String> paths = new ArrayList<>(document.path("paths").propertyNames());
        assertThat(paths).as("ops endpoints are not in the document")
                .noneMatch(path -> path.startsWith("/actuator") || path.startsWith("/error"));
        List<String> live = new ArrayList<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation ->
                live.add(operation.getKey().toUpperCase() + " " + path.getKey())));
        assertThat(live).containsExactlyInAnyOrderElementsOf(operations.keySet());
        operations.forEach((operation, operationId) -> {
            String[] methodAndPath = operation.split(" ", 2);
            JsonNode described = document.path("paths").path(methodAndPath[1]).path(methodAndPath[0].toLowerCase());
            assertThat(described.path("operationId").asString()).as(operation).isEqualTo(operationId);
        });
        return document;
    }

    /**
     * Every error response the document describes is the contract's Problem (contracts/schemas/problem.schema.json:
     * type, title and status required, no member but the body's), served as application/problem+json only; it
     * listed application/json too, with Spring's ProblemDetail, and the drift check failed on every operation.
     */
    public static void assertErrorsAreProblems(JsonNode document) {
        List<String> errorResponses = new ArrayList<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation ->
                operation.getValue().path("responses").properties().forEach(response -> {
                    if (response.getKey().startsWith("2") || response.getValue().path("content").isMissingNode()) {
                        return;
                    }
                    String where = operation.getKey().toUpperCase() + " " + path.getKey() + " " + response.getKey();
                    errorResponses.add(where);
                    JsonNode content = response.getValue().path("content");
                    assertThat(content.propertyNames()).as(where).containsExactly("application/problem+json");
                    assertIsProblem(document, content.path("application/problem+json").path("schema"), where);
                })));
        assertThat(errorResponses).as("error responses described").isNotEmpty();
    }

    private static void assertIsProblem(JsonNode document, JsonNode schema, String where) {
        String ref = schema.path("$ref").asString();
        assertThat(ref).as(where).startsWith("#/components/schemas/");
        JsonNode problem = document.path("components").path("schemas").path(ref.substring(ref.lastIndexOf('/') + 1));
        assertThat(problem.path("properties").propertyNames()).as(where)
                .containsExactlyInAnyOrder("type", "title", "status", "detail", "instance", "errors");
        assertThat(problem.path("required").valueStream().map(JsonNode::asString).toList()).as(where)
                .containsExactlyInAnyOrder("type", "title", "status");
    }

    /** GET /docs leads to Swagger UI, which loads. */
    public static void assertSwaggerUi(TestHttp http) {
        HttpResponse<String> docs = http.get("/docs");
        assertThat(docs.statusCode()).as("GET /docs").isBetween(301, 308);
        String location = URI.create("http://127.0.0.1/").resolve(docs.headers().firstValue("Location").orElseThrow())
                .getRawPath();
        HttpResponse<String> ui = http.get(location);
        assertThat(ui.statusCode()).as("GET " + location).isEqualTo(200);
        assertThat(ui.body()).contains("swagger-ui");
    }
}
