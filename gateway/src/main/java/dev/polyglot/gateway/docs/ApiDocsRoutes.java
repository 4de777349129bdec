package dev.polyglot.gateway.docs;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every service's live API document, routed through the gateway at {@code /v3/api-docs/<service>} for /docs
 * (Swagger UI, springdoc's {@code urls}) and /redoc. Each document's {@code servers} becomes this gateway
 * ({@code /}): the services keep their path prefixes, so "Try it out" calls the right path through the edge,
 * whatever host or port the service believes it has.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ApiDocsRoutes.ServiceDocuments.class)
public class ApiDocsRoutes {

    public static final String PREFIX = "/v3/api-docs/";

    /**
     * {@code gateway.api-documents.<service>}: where a service serves its document, fetched from one of its
     * instances (lb://, as the service's own routes: ServiceInstances).
     *
     * @param services service name → {path: its document's path on the service}
     */
    @ConfigurationProperties("gateway.api-documents")
    public record ServiceDocuments(Map<String, Document> services) {

        public record Document(String path) {
        }
    }

    @Bean
    RouteLocator apiDocumentRoutes(RouteLocatorBuilder builder, ServiceDocuments documents, JsonMapper jsonMapper) {
        RouteLocatorBuilder.Builder routes = builder.routes();
        documents.services().forEach((service, document) -> routes.route("api-docs-" + service, route -> route
                .path(PREFIX + service)
                .filters(filters -> filters
                        .setPath(document.path())
                        // The body is rewritten: ask for it uncompressed.
                        .removeRequestHeader("Accept-Encoding")
                        .modifyResponseBody(String.class, String.class,
                                (exchange, body) -> Mono.justOrEmpty(servedByTheGateway(jsonMapper, body))))
                .uri("lb://" + service)));
        return routes.build();
    }

    static String servedByTheGateway(JsonMapper jsonMapper, String document) {
        if (document == null) {
            return null;
        }
        JsonNode parsed;
        try {
            parsed = jsonMapper.readTree(document);
        } catch (RuntimeException notJson) {
            return document; // an error page of the service: passed on as it is
        }
        if (!(parsed instanceof ObjectNode openApi) || !openApi.has("openapi")) {
            return document;
        }
        openApi.set("servers", jsonMapper.valueToTree(
                List.of(Map.of("url", "/", "description", "the platform's gateway"))));
        return jsonMapper.writeValueAsString(openApi);
    }

    /** /redoc: one service's reference at a time, chosen from the same list as /docs. */
    @Bean
    RouterFunction<ServerResponse> redocPage() {
        ClassPathResource page = new ClassPathResource("docs/redoc.html");
        ClassPathResource script = new ClassPathResource("docs/redoc-init.js");
        return RouterFunctions.route()
                .GET("/redoc", request -> ServerResponse.ok().contentType(MediaType.TEXT_HTML).bodyValue(page))
                .GET("/redoc/redoc-init.js", request -> ServerResponse.ok()
                        .contentType(MediaType.parseMediaType("text/javascript")).bodyValue(script))
                .build();
    }
}
