package dev.polyglot.gateway.edge;

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
 * with it. The trace is not this filter's: Micrometer Tracing continues a valid W3C traceparent (else starts a trace)
 * in the server span of the request, and Spring Cloud Gateway's observation of the proxied call sends the service the
 * context of its client span (docs/decisions/0015).
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
        exchange.getAttributes().put(REQUEST_ID_ATTRIBUTE, requestId);
        exchange.getResponse().getHeaders().set(EdgeHeaders.REQUEST_ID, requestId);
        ServerHttpRequest cleaned = request.mutate().headers(headers -> {
            headers.headerNames().stream().filter(EdgeHeaders::forgeable).toList().forEach(headers::remove);
            headers.set(EdgeHeaders.REQUEST_ID, requestId);
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
}
