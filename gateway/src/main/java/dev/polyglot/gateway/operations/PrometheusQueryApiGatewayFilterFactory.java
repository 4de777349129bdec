package dev.polyglot.gateway.operations;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import dev.polyglot.contracts.ProblemType;
import dev.polyglot.gateway.edge.EdgeRejection;
import dev.polyglot.gateway.edge.GatewayFailures;
import dev.polyglot.servicekit.problem.ProblemFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.reactivestreams.Publisher;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code PrometheusQueryApi}, the filter of the route {@code prometheus} (application.yaml): what the contract
 * (contracts/openapi/operations.yaml) promises around Prometheus' own HTTP API, which the route forwards to unchanged.
 * Who may call it is the edge's business (EdgeAccessRules: admin only), before this filter runs.
 *
 * <ul>
 *   <li>only {@code GET /api/operations/prometheus/query} and {@code .../query_range}: another path under the route is
 *       a 404, another method a 405 with {@code Allow: GET}, so nothing but a read reaches Prometheus (its API also has
 *       admin endpoints that delete series);</li>
 *   <li>no Prometheus configured (the route's URI is {@code no://op}: PROMETHEUS_URL unset), or none answering (a
 *       refused or broken connection): a 503 that says which;</li>
 *   <li>Prometheus' error answers ({@code {"status":"error","errorType":…,"error":…}}) become the platform's problems: a
 *       4xx (bad PromQL, a bad time or step) is a 400 whose detail is Prometheus' message, a 5xx (its query timeout, a
 *       failure) a 503. Successful answers pass through unchanged.</li>
 * </ul>
 *
 * <p>Ordered before NettyWriteResponseFilter (as Spring Cloud Gateway's own ModifyResponseBody is), so that the
 * response that filter writes Prometheus' answer into is this filter's decorator.
 */
public class PrometheusQueryApiGatewayFilterFactory extends AbstractGatewayFilterFactory<Object> {

    static final Set<String> OPERATIONS = Set.of("/api/operations/prometheus/query",
            "/api/operations/prometheus/query_range");
    /** A Prometheus message longer than this is cut: it is shown to a person. */
    static final int MAX_DETAIL = 500;

    private final ProblemFactory problems;
    private final JsonMapper json;

    public PrometheusQueryApiGatewayFilterFactory(ProblemFactory problems, JsonMapper json) {
        super(Object.class);
        this.problems = problems;
        this.json = json;
    }

    @Override
    public GatewayFilter apply(Object config) {
        return new Filter();
    }

    private final class Filter implements GatewayFilter, Ordered {

        @Override
        public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
            ServerHttpRequest request = exchange.getRequest();
            if (!OPERATIONS.contains(request.getPath().pathWithinApplication().value())) {
                return Mono.error(new EdgeRejection(ProblemType.NOT_FOUND,
                        "Only /api/operations/prometheus/query and /api/operations/prometheus/query_range are served."));
            }
            if (!HttpMethod.GET.equals(request.getMethod())) {
                HttpHeaders allow = new HttpHeaders();
                allow.setAllow(Set.of(HttpMethod.GET));
                return Mono.error(new EdgeRejection(ProblemType.METHOD_NOT_ALLOWED,
                        "Prometheus' queries are read-only here: GET only.", allow));
            }
            Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
            if (route == null || "no".equals(route.getUri().getScheme())) {
                return Mono.error(new EdgeRejection(ProblemType.SERVICE_UNAVAILABLE,
                        "No Prometheus is configured for the gateway (PROMETHEUS_URL); ./platform up starts one when a"
                                + " prometheus binary is on PATH."));
            }
            return chain.filter(exchange.mutate().response(new PrometheusErrorsAsProblems(exchange)).build())
                    .onErrorMap(IOException.class, unreachable -> new EdgeRejection(ProblemType.SERVICE_UNAVAILABLE,
                            "Prometheus does not answer (PROMETHEUS_URL).",
                            GatewayFailures.retryAfter(GatewayFailures.UNREACHABLE_RETRY_AFTER_SECONDS)));
        }

        @Override
        public int getOrder() {
            return NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1;
        }
    }

    /** Writes Prometheus' successful answers as they are, its error answers as problems. */
    private final class PrometheusErrorsAsProblems extends ServerHttpResponseDecorator {

        private final ServerWebExchange exchange;

        PrometheusErrorsAsProblems(ServerWebExchange exchange) {
            super(exchange.getResponse());
            this.exchange = exchange;
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
            HttpStatusCode status = getStatusCode();
            if (status == null || !status.isError()) {
                return super.writeWith(body);
            }
            return DataBufferUtils.join(body)
                    .map(buffer -> {
                        try {
                            return buffer.toString(StandardCharsets.UTF_8);
                        } finally {
                            DataBufferUtils.release(buffer);
                        }
                    })
                    .defaultIfEmpty("")
                    .flatMap(text -> writeProblem(status, prometheusError(text)));
        }

        private Mono<Void> writeProblem(HttpStatusCode status, String error) {
            EdgeRejection rejection = status.is4xxClientError()
                    ? new EdgeRejection(ProblemType.BAD_REQUEST, "Prometheus refused the query: " + error)
                    : new EdgeRejection(ProblemType.SERVICE_UNAVAILABLE, "Prometheus could not answer the query: "
                            + error);
            ServerHttpRequest request = exchange.getRequest();
            ProblemDetail problem = problems.fromException(rejection, request.getMethod(), request.getPath().value());
            byte[] bytes = json.writeValueAsBytes(problem);
            setStatusCode(HttpStatusCode.valueOf(problem.getStatus()));
            HttpHeaders headers = getHeaders();
            headers.remove(HttpHeaders.CONTENT_ENCODING);
            headers.remove(HttpHeaders.TRANSFER_ENCODING);
            headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
            headers.setContentLength(bytes.length);
            return super.writeWith(Mono.just(bufferFactory().wrap(bytes)));
        }
    }

    /** Prometheus' {@code error} member, or what the answer was when it is not Prometheus' error JSON. */
    String prometheusError(String body) {
        String error;
        try {
            error = json.readTree(body).path("error").asString("");
        } catch (JacksonException notJson) {
            error = "";
        }
        if (error.isBlank()) {
            error = "an answer without an error message";
        }
        return error.length() > MAX_DETAIL ? error.substring(0, MAX_DETAIL) + "…" : error;
    }
}
