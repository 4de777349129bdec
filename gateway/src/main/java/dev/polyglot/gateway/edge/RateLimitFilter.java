package dev.polyglot.gateway.edge;

import dev.polyglot.contracts.ProblemType;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The request budget of each caller: per user when signed in, per client address otherwise, and a smaller one per
 * address on the sign-in paths (password guessing, account farming). Every counted answer carries RateLimit-Limit,
 * -Remaining and -Reset; over the budget it is a 429 problem with Retry-After. Only /api/** and /ws/** are counted: a
 * console page load (a dozen assets) or the docs must not eat a user's API budget.
 * If Redis cannot be reached, or does not answer within the edge's Redis timeout, the request passes (fail open,
 * logged): the limits protect the services, they must not take the whole platform down with Redis.
 */
@Order(EdgeFilterOrder.RATE_LIMIT)
public class RateLimitFilter implements WebFilter {

    private static final Logger log = LoggerFactory.getLogger(RateLimitFilter.class);
    private static final Set<String> SIGN_IN_PATHS = Set.of(
            "/api/auth/login", "/api/auth/register", "/api/auth/refresh");

    private final RedisRateLimiter limiter;
    private final EdgeProperties.RateLimit limits;
    private final Duration redisTimeout;

    public RateLimitFilter(RedisRateLimiter limiter, EdgeProperties.RateLimit limits, Duration redisTimeout) {
        this.limiter = limiter;
        this.limits = limits;
        this.redisTimeout = redisTimeout;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String path = request.getPath().value();
        if (!path.startsWith("/api/") && !path.startsWith("/ws/")) {
            return chain.filter(exchange); // console assets, docs, operations: static or cheap, never counted
        }
        String userId = exchange.getAttribute(EdgeAuthenticationFilter.USER_ID_ATTRIBUTE);
        String bucket;
        String subject;
        long limit;
        if (SIGN_IN_PATHS.contains(path)) {
            bucket = "sign-in";
            subject = clientAddress(request);
            limit = limits.signIn();
        } else if (userId != null) {
            bucket = "user";
            subject = userId;
            limit = limits.signedIn();
        } else {
            bucket = "address";
            subject = clientAddress(request);
            limit = limits.anonymous();
        }
        Duration window = limits.window();
        return limiter.count(bucket, subject, limit, window)
                .timeout(redisTimeout)
                .map(Optional::of)
                .onErrorResume(unavailable -> {
                    log.warn("Rate limit not applied (Redis unavailable): {}", unavailable.toString());
                    return Mono.just(Optional.empty());
                })
                .flatMap(counted -> {
                    if (counted.isEmpty()) {
                        return chain.filter(exchange);
                    }
                    RedisRateLimiter.Verdict verdict = counted.get();
                    HttpHeaders headers = new HttpHeaders();
                    headers.set("RateLimit-Limit", Long.toString(verdict.limit()));
                    headers.set("RateLimit-Remaining", Long.toString(verdict.remaining()));
                    headers.set("RateLimit-Reset", Long.toString(verdict.secondsUntilReset()));
                    headers.set("RateLimit-Policy", verdict.limit() + ";w=" + window.toSeconds());
                    if (!verdict.allowed()) {
                        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(verdict.secondsUntilReset()));
                        return Mono.<Void>error(new EdgeRejection(ProblemType.RATE_LIMITED,
                                "Too many requests: at most " + verdict.limit() + " per " + window.toSeconds()
                                        + " s. Try again in " + verdict.secondsUntilReset() + " s.", headers));
                    }
                    exchange.getResponse().getHeaders().addAll(headers);
                    return chain.filter(exchange);
                });
    }

    static String clientAddress(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        return remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress();
    }
}
