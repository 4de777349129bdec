package dev.polyglot.gateway.edge;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.handler.TracingObservationHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * One JSON line per request on the logger {@code gateway.access}: method, path, route, status, latency, user id,
 * request id, client address, and the request's server span ({@code trace_id}, {@code span_id}: the trace the services'
 * log lines carry too). Written when the exchange ends, whatever answered it (a service, the edge's own
 * refusals, an error). Turn it off with {@code logging.level.gateway.access=off}.
 */
@Order(EdgeFilterOrder.ACCESS_LOG)
public class AccessLogFilter implements WebFilter {

    private static final Logger log = LoggerFactory.getLogger("gateway.access");

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!log.isInfoEnabled()) {
            return chain.filter(exchange);
        }
        long started = System.nanoTime();
        return chain.filter(exchange).doFinally(signal -> log.info(line(exchange, started)));
    }

    // Written by hand rather than through an ObjectMapper and a Map: it runs on every request, and this is a few times
    // cheaper. Every string that comes from the client or a token is quoted by Jackson's own JSON string escaping.
    static String line(ServerWebExchange exchange, long started) {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        StringBuilder line = new StringBuilder(256).append("{\"type\":\"access\"");
        field(line, "method", exchange.getRequest().getMethod().name());
        field(line, "path", exchange.getRequest().getPath().value());
        field(line, "route", route == null ? null : route.getId());
        line.append(",\"status\":").append(status == null ? 200 : status.value());
        line.append(",\"latency_ms\":").append(Math.round((System.nanoTime() - started) / 10_000.0) / 100.0);
        field(line, "user_id", exchange.getAttribute(EdgeAuthenticationFilter.USER_ID_ATTRIBUTE));
        field(line, "request_id", exchange.getAttribute(RequestIdentityFilter.REQUEST_ID_ATTRIBUTE));
        field(line, "client", RateLimitFilter.clientAddress(exchange.getRequest()));
        TraceContext trace = serverSpan(exchange);
        field(line, "trace_id", trace == null ? null : trace.traceId());
        field(line, "span_id", trace == null ? null : trace.spanId());
        return line.append('}').toString();
    }

    /** The context of the request's server span (Micrometer's observation of the exchange), if it is traced. */
    private static TraceContext serverSpan(ServerWebExchange exchange) {
        return ServerRequestObservationContext.findCurrent(exchange.getAttributes())
                .map(context -> context.<TracingObservationHandler.TracingContext>get(
                        TracingObservationHandler.TracingContext.class))
                .map(TracingObservationHandler.TracingContext::getSpan)
                .map(Span::context)
                .orElse(null);
    }

    private static void field(StringBuilder line, String name, String value) {
        line.append(",\"").append(name).append("\":");
        if (value == null) {
            line.append("null");
        } else {
            line.append('"');
            JsonStringEncoder.getInstance().quoteAsString(value, line);
            line.append('"');
        }
    }
}
