package dev.polyglot.gateway.edge;

import dev.polyglot.servicekit.security.AccessTokens;
import dev.polyglot.servicekit.security.AuthServiceJwkSource;
import dev.polyglot.servicekit.security.CachingReactiveJwtDecoder;
import dev.polyglot.servicekit.security.ProblemServerAuthenticationEntryPoint;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.redisson.api.RedissonClient;
import org.redisson.spring.starter.RedissonAutoConfigurationCustomizer;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

/**
 * The edge's filters, in the order EdgeFilterOrder gives them: access log, request identity, security headers, body
 * limit, CORS, WebSocket handshake, token check (EdgeAuthenticationFilter, with the rules of EdgeAccessRules), rate
 * limit. Spring Security's own WebFilter chain is not used (application.yaml excludes it; see
 * EdgeAuthenticationFilter for why): the kit's decoder, role converter and problem answers are.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EdgeProperties.class)
public class EdgeConfiguration {

    static final List<String> CORS_EXPOSED_HEADERS = List.of(EdgeHeaders.REQUEST_ID, "Location", "Retry-After",
            "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy", "WWW-Authenticate",
            "Content-Disposition");

    @Bean
    EdgeAuthenticationFilter edgeAuthenticationFilter(ReactiveJwtDecoder edgeJwtDecoder,
                                                      JwtAuthenticationConverter converter,
                                                      ProblemServerAuthenticationEntryPoint problems) {
        return new EdgeAuthenticationFilter(new EdgeAccessRules(), edgeJwtDecoder, converter, problems);
    }

    static UrlBasedCorsConfigurationSource corsSource(List<String> allowedOrigins) {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOrigins(allowedOrigins);
        cors.setAllowedMethods(List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
        cors.setAllowedHeaders(List.of("Authorization", "Content-Type", "Accept", EdgeHeaders.REQUEST_ID,
                "traceparent", "tracestate", "Last-Event-ID"));
        cors.setExposedHeaders(CORS_EXPOSED_HEADERS);
        // Bearer tokens, no cookies: credentialed CORS is never needed.
        cors.setAllowCredentials(false);
        cors.setMaxAge(Duration.ofHours(1));
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/**", cors);
        return source;
    }

    /**
     * The kit's token check, remembering accepted tokens for a minute: a client sends the same token on every request,
     * and the RS256 signature check is most of what the edge costs per request (see CachingReactiveJwtDecoder).
     */
    @Bean
    ReactiveJwtDecoder edgeJwtDecoder(AuthServiceJwkSource keys, OAuth2TokenValidator<Jwt> serviceKitTokenValidator) {
        return new CachingReactiveJwtDecoder(AccessTokens.reactiveDecoder(keys, serviceKitTokenValidator),
                serviceKitTokenValidator, Duration.ofMinutes(1), 10_000, Clock.systemUTC());
    }

    /** Requests Netty cannot decode (too long a request line, too large headers) get a problem too, not a bare status. */
    @Bean
    NettyServerCustomizer undecodableRequestProblems() {
        return UndecodableRequestProblems.customizer();
    }

    @Bean
    CorsFilter corsFilter(EdgeProperties properties) {
        return new CorsFilter(corsSource(properties.corsAllowedOrigins()));
    }

    @Bean
    AccessLogFilter accessLogFilter() {
        return new AccessLogFilter();
    }

    @Bean
    SecurityHeadersFilter securityHeadersFilter() {
        return new SecurityHeadersFilter();
    }

    @Bean
    BodySizeLimitFilter bodySizeLimitFilter(EdgeProperties properties) {
        return new BodySizeLimitFilter(properties.maxBodySize().toBytes());
    }

    @Bean
    WebSocketHandshakeFilter webSocketHandshakeFilter(EdgeProperties properties, RedissonClient redis) {
        return new WebSocketHandshakeFilter(new HashSet<>(properties.corsAllowedOrigins()), redis,
                properties.redisTimeout());
    }

    @Bean
    RedisRateLimiter edgeRateLimiter(RedissonClient redis) {
        return new RedisRateLimiter(redis);
    }

    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty("gateway.edge.rate-limit.enabled")
    RateLimitFilter rateLimitFilter(RedisRateLimiter limiter, EdgeProperties properties) {
        return new RateLimitFilter(limiter, properties.rateLimit(), properties.redisTimeout());
    }

    /**
     * The gateway sends Redis a command on every request (the rate limit). Redisson's default of 32 I/O threads, over a
     * pool of connections used in turn, wakes a different thread for almost every command. On the benchmark's one core
     * (benchmarks/gateway_tax.py, the rate-limited row) one thread gave 1.1 to 1.8 times the default's throughput
     * (the full benchmark once each: 2,961 → 3,199 req/s; that row alone, three runs each: 2,450 → 4,300), two threads
     * less. One event loop also serves far more commands per second than a Redis server answers.
     */
    @Bean
    RedissonAutoConfigurationCustomizer edgeRedisIoThreads(EdgeProperties properties) {
        return config -> config.setNettyThreads(properties.redisIoThreads());
    }

    /** Static: a post-processor is created before the configuration's other beans. */
    @Bean
    static BeanPostProcessor upstreamWebSocketLoss() {
        return UpstreamWebSocketLoss.wrapper();
    }

    @Bean
    GatewayFailures gatewayFailures(EdgeProperties properties) {
        return new GatewayFailures(properties.breakerRetryAfter());
    }
}
