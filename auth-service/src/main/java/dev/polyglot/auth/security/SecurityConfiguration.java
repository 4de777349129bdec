package dev.polyglot.auth.security;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.polyglot.auth.keys.SigningKeys;
import dev.polyglot.auth.tokens.TokenSettings;
import dev.polyglot.servicekit.security.AccessTokens;
import dev.polyglot.servicekit.security.ProblemAuthenticationEntryPoint;
import dev.polyglot.servicekit.security.SecurityProblems;
import dev.polyglot.servicekit.security.ServiceKitSecurityProperties;
import dev.polyglot.servicekit.security.ServletTokenSecurity;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bearer tokens on auth-service's own endpoints, checked by the kit's rules, the ones every verifier of the platform
 * applies ({@link AccessTokens}: RS256 only, iss, aud, exp/nbf with 60 s of clock skew, sub, roles → ROLE_*), with
 * the kit's problem+json 401/403. The one difference from the other services: the keys are auth-service's own key
 * set, read in process, rather than fetched from its JWKS endpoint.
 *
 * <p>The /error dispatch is open (else a validation error of an anonymous request would turn into a 401).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class SecurityConfiguration {

    private static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, JwtDecoder decoder, JsonMapper json,
                                    @Value("${service-kit.api-prefix}") String prefix) throws Exception {
        new ServletTokenSecurity(decoder, AccessTokens.authenticationConverter(),
                new ProblemAuthenticationEntryPoint(new SecurityProblems(json)), List.of("/error")).customize(http);
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(HttpMethod.GET, prefix + "/me").authenticated()
                        .requestMatchers(prefix + "/users", prefix + "/users/**").hasRole("admin")
                        .anyRequest().permitAll())
                .build();
    }

    /** Verifies with the current key set of {@link SigningKeys}, read on every check (keys can rotate). */
    @Bean
    JwtDecoder jwtDecoder(SigningKeys keys, TokenSettings settings) {
        JWKSource<SecurityContext> ownKeys = (selector, context) -> selector.select(keys.publicJwkSet());
        // Only iss, aud and the skew matter here: the keys are read in process, not fetched from a JWKS URL.
        var rules = new ServiceKitSecurityProperties.TokenSettings(ServiceKitSecurityProperties.JWKS_PATH,
                settings.issuer(), settings.audience(), CLOCK_SKEW, Duration.ZERO, Duration.ZERO);
        return AccessTokens.servletDecoder(ownKeys, AccessTokens.validator(rules, Clock.systemUTC()));
    }
}
