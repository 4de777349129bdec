package dev.polyglot.gateway.edge;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * One JSON line per request on the logger {@code gateway.access}: method, path, route, status, latency, user id,
 * request id, client address. Written when the exchange ends, whatever answered it (a service, the edge's own
 * refusals, an error). Turn it off with {@code logging.level.gateway.access=off}.
 */
@Order(EdgeFilterOrder.ACCESS_LOG)
public class AccessLogFilter implements WebFilter {

    private static final Logger log = LoggerFactory.getLogger("gateway.access");

    private final JsonMapper jsonMapper;

    public AccessLogFilter(JsonMapper jsonMapper) {
        this.jsonMapper = jsonMapper;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!log.isInfoEnabled()) {
            return chain.filter(exchange);
        }
        long started = System.nanoTime();
        return chain.filter(exchange).doFinally(signal -> log.info(line(exchange, started)));
    }

    private String line(ServerWebExchange exchange, long started) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("type", "access");
        entry.put("method", exchange.getRequest().getMethod().name());
        entry.put("path", exchange.getRequest().getPath().value());
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        entry.put("route", route == null ? null : route.getId());
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        entry.put("status", status == null ? 200 : status.value());
        entry.put("latency_ms", Math.round((System.nanoTime() - started) / 10_000.0) / 100.0);
        entry.put("user_id", exchange.getAttribute(SignedInUserFilter.USER_ID_ATTRIBUTE));
        entry.put("request_id", exchange.getAttribute(RequestIdentityFilter.REQUEST_ID_ATTRIBUTE));
        entry.put("client", RateLimitFilter.clientAddress(exchange.getRequest()));
        return jsonMapper.writeValueAsString(entry);
    }
}
