package dev.polyglot.gateway.operations;

import dev.polyglot.servicekit.problem.ProblemFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's own operations API, {@code /api/operations/**} (contracts/openapi/operations.yaml), admin only: today
 * Prometheus' queries, through the route {@code prometheus} of application.yaml and its filter.
 */
@Configuration(proxyBeanMethods = false)
public class OperationsConfiguration {

    @Bean
    PrometheusQueryApiGatewayFilterFactory prometheusQueryApiGatewayFilterFactory(ProblemFactory problems,
                                                                                  JsonMapper json) {
        return new PrometheusQueryApiGatewayFilterFactory(problems, json);
    }
}
