package dev.polyglot.gateway.edge;

import dev.polyglot.contracts.ProblemType;
import dev.polyglot.contracts.RedisKeys;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.core.annotation.Order;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * A WebSocket handshake on /ws/** passes only with an allowed Origin and a live ticket: Spring Cloud Gateway 5.0.4
 * does not check the Origin (a page of any site could otherwise open a socket with the user's ticket: cross-site
 * WebSocket hijacking), and browsers cannot send a bearer token on a handshake. The ticket
 * ({@code POST /api/notifications/ticket}) is only looked at here (EXISTS): notification-service spends it (GETDEL).
 * Anything else is a 403 problem; a Redis that cannot answer (within the edge's Redis timeout) is a 503 with
 * Retry-After.
 *
 * <p>Reading another service's Redis key is a contract, not a shortcut: the key is declared in the AsyncAPI document
 * ({@code x-redis-keys} of the notifications channel: owner notification-service, reader the gateway), and both sides
 * take its prefix from the generated {@link RedisKeys}. It was chosen over asking notification-service over HTTP
 * because the check then costs one EXISTS on the Redis the gateway already uses for rate limits, not a second hop
 * per handshake; a renamed key is a contract change both sides compile against.
 */
@Order(EdgeFilterOrder.WEBSOCKET_HANDSHAKE)
public class WebSocketHandshakeFilter implements WebFilter {

    // 32 random bytes, base64url without padding.
    private static final Pattern TICKET = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final Set<String> allowedOrigins;
    private final RedissonClient redis;
    private final Duration redisTimeout;

    public WebSocketHandshakeFilter(Set<String> allowedOrigins, RedissonClient redis, Duration redisTimeout) {
        this.allowedOrigins = Set.copyOf(allowedOrigins);
        this.redis = redis;
        this.redisTimeout = redisTimeout;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (!request.getPath().value().startsWith("/ws/")) {
            return chain.filter(exchange);
        }
        String origin = request.getHeaders().getOrigin();
        if (origin == null || !allowedOrigins.contains(origin)) {
            return Mono.error(new EdgeRejection(ProblemType.FORBIDDEN,
                    "A WebSocket handshake needs an Origin this platform allows."));
        }
        String ticket = request.getQueryParams().getFirst("ticket");
        if (ticket == null || !TICKET.matcher(ticket).matches()) {
            return Mono.error(new EdgeRejection(ProblemType.FORBIDDEN,
                    "A WebSocket handshake needs a ticket from POST /api/notifications/ticket."));
        }
        return redis.reactive().getBucket(RedisKeys.WEBSOCKET_TICKET_PREFIX + ticket, StringCodec.INSTANCE).isExists()
                .timeout(redisTimeout)
                .onErrorMap(unavailable -> new EdgeRejection(ProblemType.SERVICE_UNAVAILABLE,
                        "WebSocket tickets cannot be checked right now.", GatewayFailures.retryAfter(
                        GatewayFailures.UNREACHABLE_RETRY_AFTER_SECONDS)))
                .flatMap(exists -> exists ? chain.filter(exchange)
                        : Mono.error(new EdgeRejection(ProblemType.FORBIDDEN,
                        "The WebSocket ticket is unknown, spent or expired.")));
    }
}
