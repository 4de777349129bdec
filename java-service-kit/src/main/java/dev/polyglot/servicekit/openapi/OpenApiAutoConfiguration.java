package dev.polyglot.servicekit.openapi;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.polyglot.contracts.schemas.Problem;
import dev.polyglot.contracts.schemas.ServiceInfo;
import dev.polyglot.servicekit.info.ServiceInfoController;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.http.ProblemDetail;

/**
 * For a service that serves its live OpenAPI document with springdoc (settings in
 * {@code service-kit-defaults.yaml}): describes the operations java-service-kit itself serves the way the
 * service's contract in contracts/openapi names them, so that the drift check (e2e/test_contract_drift.py)
 * compares like with like.
 */
@AutoConfiguration
@ConditionalOnClass(OperationCustomizer.class)
public class OpenApiAutoConfiguration {

    private static final String PROBLEM_JSON = "application/problem+json";

    static {
        // Every error is a ProblemDetail in the code (the generated interfaces' responses name it, by the generator's
        // schemaMappings), and the contract's Problem on the wire: springdoc documents the class generated from
        // contracts/schemas/problem.schema.json in its place, not Spring's ProblemDetail (whose `properties` map is
        // no member of the body, and whose `type`, `title`, `status` the contract requires).
        SpringDocUtils.getConfig().replaceWithClass(ProblemDetail.class, Problem.class);
    }

    @Bean
    OperationCustomizer serviceInfoOperation(Environment environment) {
        String operationId = serviceInfoOperationId(environment.getRequiredProperty("spring.application.name"));
        return (operation, handlerMethod) -> {
            if (ServiceInfoController.class.isAssignableFrom(handlerMethod.getBeanType())) {
                operation.setOperationId(operationId);
                operation.setSummary("What this service is and which instance answered");
                operation.setTags(List.of("service"));
            }
            return operation;
        };
    }

    /**
     * Controllers generated from a contract declare {@code produces = {application/json, application/problem+json}}
     * (the operation answers either), and springdoc lists both under every success status. Problems are the error
     * responses' media type only, as in the contracts.
     */
    @Bean
    OperationCustomizer problemsAreNotSuccesses() {
        return (operation, handlerMethod) -> {
            if (operation.getResponses() != null) {
                operation.getResponses().forEach((status, response) -> {
                    if (status.startsWith("2") && response.getContent() != null) {
                        response.getContent().remove(PROBLEM_JSON);
                        if (response.getContent().isEmpty()) {
                            response.setContent(null);
                        }
                    }
                });
            }
            return operation;
        };
    }

    /**
     * The generated interfaces list every media type an operation produces under each error response too; an error
     * is only ever a problem, served as application/problem+json (ProblemFactory), so that is its one media type.
     */
    @Bean
    OperationCustomizer errorsAreProblems() {
        return (operation, handlerMethod) -> {
            if (operation.getResponses() != null) {
                operation.getResponses().forEach((status, response) -> {
                    if (!status.startsWith("2") && response.getContent() != null
                            && response.getContent().containsKey(PROBLEM_JSON)) {
                        response.getContent().keySet().removeIf(mediaType -> !PROBLEM_JSON.equals(mediaType));
                    }
                });
            }
            return operation;
        };
    }

    /** The document's title and version are the service's, not springdoc's "OpenAPI definition v0". */
    @Bean
    OpenApiCustomizer serviceInfoTitle(ServiceInfo serviceInfo) {
        return openApi -> openApi.getInfo().title(serviceInfo.getService()).version(serviceInfo.getVersion());
    }

    /**
     * Schemas name properties as they are on the wire. springdoc describes models with swagger-core's own
     * (Jackson 2) mapper, which does not see Boot's {@code spring.jackson.property-naming-strategy}: without
     * this, the document would say {@code instanceId} where the service sends {@code instance_id}.
     */
    @Bean
    ModelResolver wireNamedModelResolver(Environment environment) {
        String strategy = environment.getProperty("spring.jackson.property-naming-strategy", "");
        return "SNAKE_CASE".equals(strategy)
                ? new ModelResolver(Json.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE))
                : new ModelResolver(Json.mapper());
    }

    /** "auth-service" → "getAuthServiceInfo", as in contracts/openapi (and in the Python services). */
    static String serviceInfoOperationId(String applicationName) {
        String first = applicationName.split("-")[0];
        return "get" + Character.toUpperCase(first.charAt(0)) + first.substring(1) + "ServiceInfo";
    }
}
