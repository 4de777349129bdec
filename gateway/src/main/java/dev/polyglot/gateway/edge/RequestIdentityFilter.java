package dev.polyglot.gateway.edge;

import dev.polyglot.servicekit.events.TraceParent;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.springframework.core.annotation.Order;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Before anything else reads the request: drops the headers a client may not send to a service
 * ({@link EdgeHeaders#forgeable}), takes the client's X-Request-Id (if it is safe to log) or makes one, and answers
 * with it; takes the client's W3C traceparent or starts a trace, so every service logs the same trace id.
 */
@Component
@Order(EdgeFilterOrder.REQUEST_IDENTITY)
public class RequestIdentityFilter implements WebFilter {

    public static final String REQUEST_ID_ATTRIBUTE = RequestIdentityFilter.class.getName() + ".requestId";

    // The same rule as python-service-kit's request_id module: anything else could forge log lines.
    private static final Pattern ACCEPTABLE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:/+=-]{1,128}");

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String offered = request.getHeaders().getFirst(EdgeHeaders.REQUEST_ID);
        String requestId = offered != null && ACCEPTABLE_REQUEST_ID.matcher(offered).matches()
                ? offered : newRequestId();
        String traceparent = continuedOrNewTrace(request.getHeaders().getFirst(EdgeHeaders.TRACEPARENT));
        exchange.getAttributes().put(REQUEST_ID_ATTRIBUTE, requestId);
        exchange.getResponse().getHeaders().set(EdgeHeaders.REQUEST_ID, requestId);
        ServerHttpRequest cleaned = request.mutate().headers(headers -> {
            headers.headerNames().stream().filter(EdgeHeaders::forgeable).toList().forEach(headers::remove);
            headers.set(EdgeHeaders.REQUEST_ID, requestId);
            headers.set(EdgeHeaders.TRACEPARENT, traceparent);
        }).build();
        ServerWebExchange forwarded = exchange.mutate().request(cleaned).build();
        // A service echoes the id it was given: keep the response's header single-valued.
        forwarded.getResponse().beforeCommit(() -> {
            forwarded.getResponse().getHeaders().set(EdgeHeaders.REQUEST_ID, requestId);
            return Mono.empty();
        });
        return chain.filter(forwarded);
    }

    /**
     * A random (version 4) UUID. A request id correlates log lines and is no secret: ThreadLocalRandom rather than
     * UUID.randomUUID's SecureRandom, which reads the system's random source under a lock on every request.
     */
    static String newRequestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong() & 0xffffffffffff0fffL | 0x0000000000004000L;
        long low = random.nextLong() & 0x3fffffffffffffffL | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    private static String continuedOrNewTrace(String offered) {
        try {
            return offered == null ? TraceParent.newTrace().format() : TraceParent.parse(offered.strip()).format();
        } catch (IllegalArgumentException malformed) {
            return TraceParent.newTrace().format();
        }
    }
}
