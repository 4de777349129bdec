package dev.polyglot.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polyglot.servicekit.events.EventTracing;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingObservationHandler;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The access log line is written by hand: it must stay one valid JSON object whatever a client sends. */
class AccessLogFilterTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aLineIsOneJsonObjectWithEveryField() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/api/auth/login")
                .remoteAddress(new InetSocketAddress("10.1.2.3", 4321)));
        exchange.getResponse().setStatusCode(HttpStatus.TOO_MANY_REQUESTS);
        exchange.getAttributes().put(EdgeAuthenticationFilter.USER_ID_ATTRIBUTE, "user-1");
        exchange.getAttributes().put(RequestIdentityFilter.REQUEST_ID_ATTRIBUTE, "req-1");

        JsonNode line = JSON.readTree(AccessLogFilter.line(exchange, System.nanoTime() - 2_500_000));

        assertThat(line.path("type").asString()).isEqualTo("access");
        assertThat(line.path("method").asString()).isEqualTo("POST");
        assertThat(line.path("path").asString()).isEqualTo("/api/auth/login");
        assertThat(line.path("route").isNull()).isTrue();
        assertThat(line.path("status").asInt()).isEqualTo(429);
        assertThat(line.path("latency_ms").asDouble()).isGreaterThanOrEqualTo(2.5);
        assertThat(line.path("user_id").asString()).isEqualTo("user-1");
        assertThat(line.path("request_id").asString()).isEqualTo("req-1");
        assertThat(line.path("client").asString()).isEqualTo("10.1.2.3");
    }

    @Test
    void aTracedRequestsLineNamesItsServerSpan() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/auth/me"));
        Tracer tracer = EventTracing.standalone("gateway").tracer();
        Span server = tracer.nextSpan().name("http get").start();
        ServerRequestObservationContext observed = new ServerRequestObservationContext(exchange.getRequest(),
                exchange.getResponse(), exchange.getAttributes());
        TracingObservationHandler.TracingContext tracing = new TracingObservationHandler.TracingContext();
        tracing.setSpan(server);
        observed.put(TracingObservationHandler.TracingContext.class, tracing);
        exchange.getAttributes().put(ServerRequestObservationContext.CURRENT_OBSERVATION_CONTEXT_ATTRIBUTE, observed);

        JsonNode traced = JSON.readTree(AccessLogFilter.line(exchange, System.nanoTime()));
        JsonNode untraced = JSON.readTree(AccessLogFilter.line(
                MockServerWebExchange.from(MockServerHttpRequest.get("/api/auth/me")), System.nanoTime()));
        server.end();

        assertThat(traced.path("trace_id").asString()).isEqualTo(server.context().traceId());
        assertThat(traced.path("span_id").asString()).isEqualTo(server.context().spanId());
        assertThat(untraced.path("trace_id").isNull()).isTrue();
        assertThat(untraced.path("span_id").isNull()).isTrue();
    }

    @Test
    void whatAClientOrATokenSaysIsEscapedNotSpliced() {
        String forged = "x\",\"status\":200,\"user_id\":\"admin\\\n";
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/a%22b"));
        exchange.getResponse().setStatusCode(HttpStatus.NOT_FOUND);
        exchange.getAttributes().put(EdgeAuthenticationFilter.USER_ID_ATTRIBUTE, forged);

        String text = AccessLogFilter.line(exchange, System.nanoTime());
        JsonNode line = JSON.readTree(text);

        assertThat(text).doesNotContain("\n");
        assertThat(line.path("user_id").asString()).isEqualTo(forged);
        assertThat(line.path("status").asInt()).isEqualTo(404);
        assertThat(line.path("request_id").isNull()).isTrue();
        assertThat(line.path("client").asString()).isEqualTo("unknown");
    }
}
