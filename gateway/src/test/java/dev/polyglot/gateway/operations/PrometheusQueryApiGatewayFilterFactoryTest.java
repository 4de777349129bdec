package dev.polyglot.gateway.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import dev.polyglot.gateway.edge.EdgeRejection;
import dev.polyglot.servicekit.problem.ProblemFactory;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the route answers without a Prometheus (the running gateway's answers with one are in GatewayEdgeTest), and how
 * Prometheus' error messages become details.
 */
class PrometheusQueryApiGatewayFilterFactoryTest {

    final JsonMapper json = JsonMapper.builder().build();
    final PrometheusQueryApiGatewayFilterFactory factory =
            new PrometheusQueryApiGatewayFilterFactory(new ProblemFactory(json), json);
    final GatewayFilter filter = factory.apply(new Object());
    final GatewayFilterChain unreachable = exchange -> Mono.error(new AssertionError("nothing may be forwarded"));

    @Test
    void withoutAConfiguredPrometheusAQueryIs503SayingSo() {
        MockServerWebExchange exchange = MockServerWebExchange.from(
                MockServerHttpRequest.get("/api/operations/prometheus/query?query=up"));
        exchange.getAttributes().put(GATEWAY_ROUTE_ATTR, Route.async().id("prometheus").uri(URI.create("no://op"))
                .predicate(any -> true).build());

        assertThatThrownBy(() -> filter.filter(exchange, unreachable).block())
                .isInstanceOfSatisfying(EdgeRejection.class, rejection -> {
                    assertThat(rejection.getStatusCode().value()).isEqualTo(503);
                    assertThat(rejection.getBody().getType()).hasToString("/problems/service-unavailable");
                    assertThat(rejection.getReason()).startsWith("No Prometheus is configured for the gateway (PROMETHEUS_URL)");
                });
    }

    @Test
    void prometheusErrorMessagesAreTakenFromItsJsonAndCut() {
        assertThat(factory.prometheusError("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}"))
                .isEqualTo("parse error");
        assertThat(factory.prometheusError("404 page not found")).isEqualTo("an answer without an error message");
        assertThat(factory.prometheusError("")).isEqualTo("an answer without an error message");
        assertThat(factory.prometheusError("{\"error\":\"" + "x".repeat(600) + "\"}"))
                .hasSize(PrometheusQueryApiGatewayFilterFactory.MAX_DETAIL + 1).endsWith("…");
    }
}
