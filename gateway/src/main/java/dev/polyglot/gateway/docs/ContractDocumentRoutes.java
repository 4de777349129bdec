package dev.polyglot.gateway.docs;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The contracts themselves, for /docs and /redoc: {@code /contracts/openapi/<service>.yaml} and the shared schemas
 * they {@code $ref} ({@code /contracts/schemas/<name>.json}), copied from contracts/ into the jar at build time. They
 * keep their relative references, which Swagger UI resolves against the document's URL. Only {@code servers} changes:
 * the contract names http://localhost:8080, and "Try it out" must call whichever gateway served the page.
 */
@Configuration(proxyBeanMethods = false)
public class ContractDocumentRoutes {

    public static final String PREFIX = "/contracts/";
    private static final Pattern DOCUMENT_NAME = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*");
    private static final MediaType YAML = MediaType.parseMediaType("application/yaml");
    private static final YAMLMapper YAML_MAPPER = YAMLMapper.builder().build();

    @Bean
    RouterFunction<ServerResponse> contractDocuments() {
        return RouterFunctions.route()
                .GET(PREFIX + "openapi/{name}.yaml", this::openApiDocument)
                .GET(PREFIX + "schemas/{name}.json", this::sharedSchema)
                .build();
    }

    private Mono<ServerResponse> openApiDocument(ServerRequest request) {
        ClassPathResource document = resource("openapi/", request.pathVariable("name"), ".yaml");
        return Mono.fromCallable(() -> servedByTheGateway(document))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(text -> ServerResponse.ok().contentType(YAML).bodyValue(text));
    }

    private Mono<ServerResponse> sharedSchema(ServerRequest request) {
        ClassPathResource schema = resource("schemas/", request.pathVariable("name"), ".json");
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(schema);
    }

    /** The contract's file; a name that is not one is a 404 like any unknown path (the kit's problem+json). */
    private static ClassPathResource resource(String folder, String name, String suffix) {
        ClassPathResource resource = new ClassPathResource("contracts/" + folder + name + suffix);
        if (!DOCUMENT_NAME.matcher(name).matches() || !resource.exists()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "There is no contract " + folder + name + suffix + ".");
        }
        return resource;
    }

    static String servedByTheGateway(ClassPathResource document) throws IOException {
        try (InputStream in = document.getInputStream()) {
            ObjectNode openApi = (ObjectNode) YAML_MAPPER.readTree(in);
            openApi.set("servers", YAML_MAPPER.valueToTree(
                    List.of(Map.of("url", "/", "description", "the platform's gateway that served this document"))));
            return YAML_MAPPER.writeValueAsString(openApi);
        }
    }
}
