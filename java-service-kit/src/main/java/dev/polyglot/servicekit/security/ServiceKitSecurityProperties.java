package dev.polyglot.servicekit.security;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code service-kit.security.*}: whether the kit checks access tokens in this service, and what a token must say.
 * The defaults come from the platform's variables (service-kit-defaults.yaml); an empty variable means its default.
 *
 * @param enabled            opt-in: nothing of the kit's security is configured unless this is true
 * @param jwkSetUri          AUTH_JWKS_URL; default {@code <authServiceUrl>/api/auth/.well-known/jwks.json}
 * @param authServiceUrl     AUTH_SERVICE_URL, its first URL if it lists instances; default http://127.0.0.1:8081
 * @param issuer             AUTH_ISSUER, the {@code iss} every token must carry; default polyglot-auth
 * @param audience           AUTH_AUDIENCE, which {@code aud} must contain; default polyglot-platform
 * @param clockSkew          tolerance on exp, nbf and iat; default 60 s
 * @param minRefetchInterval an unknown kid refetches the key set at most this often; default 10 s
 * @param maxCacheAge        the key set is refetched on the next token after this long; default 5 min
 * @param publicPaths        paths the default filter chain lets through without a token (ops, docs, service-info)
 * @param filterChain        whether the kit adds its default Spring Security filter chain to a service that declares
 *                           none; default true. The gateway sets false: it checks tokens in a WebFilter of its own.
 */
@ConfigurationProperties("service-kit.security")
public record ServiceKitSecurityProperties(
        boolean enabled,
        @Nullable String jwkSetUri,
        @Nullable String authServiceUrl,
        @Nullable String issuer,
        @Nullable String audience,
        @Nullable Duration clockSkew,
        @Nullable Duration minRefetchInterval,
        @Nullable Duration maxCacheAge,
        @Nullable List<String> publicPaths,
        @Nullable Boolean filterChain) {

    public static final String DEFAULT_AUTH_SERVICE_URL = "http://127.0.0.1:8081";
    public static final String JWKS_PATH = "/api/auth/.well-known/jwks.json";
    public static final String DEFAULT_ISSUER = "polyglot-auth";
    public static final String DEFAULT_AUDIENCE = "polyglot-platform";
    public static final List<String> DEFAULT_PUBLIC_PATHS = List.of(
            "/actuator/**", "/error", "/docs/**", "/swagger-ui/**", "/v3/api-docs/**", "/api/*/service-info");

    /** The settings every check uses, blanks replaced by the defaults. */
    public TokenSettings tokenSettings() {
        // The gateway's AUTH_SERVICE_URL may list several auth-service instances, comma-separated (its routes balance
        // over them): every instance serves the same keys, the first one's JWKS is enough.
        String serviceUrl = orDefault(authServiceUrl, DEFAULT_AUTH_SERVICE_URL).split(",")[0].strip()
                .replaceAll("/+$", "");
        return new TokenSettings(
                orDefault(jwkSetUri, serviceUrl + JWKS_PATH),
                orDefault(issuer, DEFAULT_ISSUER),
                orDefault(audience, DEFAULT_AUDIENCE),
                clockSkew != null ? clockSkew : Duration.ofSeconds(60),
                minRefetchInterval != null ? minRefetchInterval : Duration.ofSeconds(10),
                maxCacheAge != null ? maxCacheAge : Duration.ofMinutes(5));
    }

    public List<String> publicPathsOrDefault() {
        return publicPaths != null ? publicPaths : DEFAULT_PUBLIC_PATHS;
    }

    private static String orDefault(@Nullable String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    /** What a token must say and where its keys are: resolved, no blanks. */
    public record TokenSettings(String jwkSetUri, String issuer, String audience, Duration clockSkew,
                                Duration minRefetchInterval, Duration maxCacheAge) {
    }
}
