package dev.polyglot.gateway.edge;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code gateway.edge.*}: the policies the gateway applies to every request (application.yaml maps each to its
 * environment variable, listed in .env.example).
 *
 * @param corsAllowedOrigins browser origins allowed by CORS and by the WebSocket Origin check
 * @param maxBodySize        larger request bodies are refused with 413
 * @param consoleDir         the built web console (index.html + assets/); nothing is served at / without it
 * @param breakerRetryAfter  the Retry-After of a 503 while a service's circuit breaker is open
 * @param rateLimit          the Redis rate limits
 * @param redisIoThreads     Redisson's I/O threads in the gateway (see EdgeConfiguration#edgeRedisIoThreads)
 * @param redisTimeout       the longest a request waits on the gateway's own Redis commands (the rate limit, the
 *                           WebSocket ticket check): they run before the route's timeout starts, and Redisson's own
 *                           retries on a Redis that is down (connect 10 s, then 3 s per attempt) would otherwise hold
 *                           a request for 10 to 14 s
 */
@ConfigurationProperties("gateway.edge")
public record EdgeProperties(
        List<String> corsAllowedOrigins,
        DataSize maxBodySize,
        @Nullable String consoleDir,
        Duration breakerRetryAfter,
        RateLimit rateLimit,
        int redisIoThreads,
        Duration redisTimeout) {

    /**
     * Fixed windows counted in Redis, shared by every gateway instance.
     *
     * @param enabled   off: no counting at all (benchmarks, or a proxy in front that limits already)
     * @param window    the length of one window
     * @param signedIn  requests per window per signed-in user (the token's sub)
     * @param anonymous requests per window per client address without a token
     * @param signIn    requests per window per client address on login, register and refresh
     */
    public record RateLimit(boolean enabled, Duration window, long signedIn, long anonymous, long signIn) {
    }
}
