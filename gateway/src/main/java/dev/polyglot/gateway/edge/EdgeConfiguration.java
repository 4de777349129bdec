package dev.polyglot.gateway.edge;

import dev.polyglot.servicekit.security.AccessTokens;
import dev.polyglot.servicekit.security.AuthServiceJwkSource;
import dev.polyglot.servicekit.security.CachingReactiveJwtDecoder;
import dev.polyglot.servicekit.security.ReactiveTokenSecurity;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.redisson.api.RedissonClient;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy;
import org.springframework.security.web.server.header.XFrameOptionsServerHttpHeadersWriter.Mode;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Identity at the edge and the edge's filters. Every API path needs a valid access token except the public ones
 * below; the admin-only paths are refused at the edge with 403 for any other role; everything outside /api/** (the
 * console, docs, health, unknown paths) needs none. The token is forwarded unchanged: the services check it too.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EdgeProperties.class)
public class EdgeConfiguration {

    /** Reachable without a token. */
    static final List<String> PUBLIC_PATHS = List.of(
            "/api/auth/register", "/api/auth/login", "/api/auth/refresh", "/api/auth/logout",
            "/api/auth/.well-known/jwks.json", "/api/*/service-info", "/api/gateway/**",
            "/docs", "/docs/**", "/redoc", "/redoc/**", "/v3/api-docs", "/v3/api-docs/**", "/webjars/**",
            "/actuator/health", "/actuator/health/**", "/actuator/info", "/actuator/prometheus",
            "/ws/**", "/error");

    static final List<String> CORS_EXPOSED_HEADERS = List.of(EdgeHeaders.REQUEST_ID, "Location", "Retry-After",
            "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy", "WWW-Authenticate",
            "Content-Disposition");

    @Bean
    SecurityWebFilterChain edgeSecurity(ServerHttpSecurity http, ReactiveTokenSecurity tokens,
                                        EdgeProperties properties) {
        tokens.customize(http);
        return http
                .cors(ServerHttpSecurity.CorsSpec::disable) // CorsFilter, with problem+json refusals
                .headers(headers -> headers
                        .contentTypeOptions(nosniff -> { })
                        .frameOptions(frames -> frames.mode(Mode.DENY))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN))
                        // Only written on https requests (behind TLS): HSTS over plain http means nothing.
                        .hsts(hsts -> hsts.maxAge(Duration.ofDays(365)).includeSubdomains(true))
                        // Caching is each service's call (console assets are immutable files).
                        .cache(cache -> cache.disable()))
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers(PUBLIC_PATHS.toArray(String[]::new)).permitAll()
                        .pathMatchers("/api/auth/users", "/api/auth/users/**").hasRole("admin")
                        .pathMatchers(HttpMethod.POST, "/api/notifications/broadcast").hasRole("admin")
                        .pathMatchers("/api/**", "/actuator/**").authenticated()
                        .anyExchange().permitAll())
                .build();
    }

    static UrlBasedCorsConfigurationSource corsSource(List<String> allowedOrigins) {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOrigins(allowedOrigins);
        cors.setAllowedMethods(List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
        cors.setAllowedHeaders(List.of("Authorization", "Content-Type", "Accept", EdgeHeaders.REQUEST_ID,
                EdgeHeaders.TRACEPARENT, "Last-Event-ID"));
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

    @Bean
    CorsFilter corsFilter(EdgeProperties properties) {
        return new CorsFilter(corsSource(properties.corsAllowedOrigins()));
    }

    @Bean
    AccessLogFilter accessLogFilter(JsonMapper jsonMapper) {
        return new AccessLogFilter(jsonMapper);
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
        return new WebSocketHandshakeFilter(new HashSet<>(properties.corsAllowedOrigins()), redis);
    }

    @Bean
    RedisRateLimiter edgeRateLimiter(RedissonClient redis) {
        return new RedisRateLimiter(redis);
    }

    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty("gateway.edge.rate-limit.enabled")
    RateLimitFilter rateLimitFilter(RedisRateLimiter limiter, EdgeProperties properties) {
        return new RateLimitFilter(limiter, properties.rateLimit());
    }

    @Bean
    GatewayFailures gatewayFailures(EdgeProperties properties) {
        return new GatewayFailures(properties.breakerRetryAfter());
    }
}
