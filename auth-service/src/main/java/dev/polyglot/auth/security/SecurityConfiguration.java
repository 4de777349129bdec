package dev.polyglot.auth.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.polyglot.auth.keys.SigningKeys;
import dev.polyglot.auth.problem.AuthProblem;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import dev.polyglot.auth.tokens.TokenSettings;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bearer tokens on auth-service's own endpoints, checked by the rules every verifier of the platform applies: RS256
 * only (alg none or HS256 never verify), a key of auth-service's own key set (by kid), iss, aud, exp/nbf with 60 s of
 * clock skew. The {@code roles} claim becomes ROLE_admin/ROLE_user/ROLE_viewer.
 *
 * <p>401 and 403 are problem+json like every other error, and the /error dispatch is open (else a validation error
 * of an anonymous request would turn into a 401).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class SecurityConfiguration {

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, JsonMapper json,
                                    @Value("${service-kit.api-prefix}") String prefix) throws Exception {
        BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();
        JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
        roles.setAuthoritiesClaimName("roles");
        roles.setAuthorityPrefix("ROLE_");
        JwtAuthenticationConverter authentication = new JwtAuthenticationConverter();
        authentication.setJwtGrantedAuthoritiesConverter(roles);
        http
                .csrf(csrf -> csrf.disable()) // no cookies, no sessions: bearer tokens only
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/error").permitAll()
                        .requestMatchers(HttpMethod.GET, prefix + "/me").authenticated()
                        .requestMatchers(prefix + "/users", prefix + "/users/**").hasRole("admin")
                        .anyRequest().permitAll())
                .oauth2ResourceServer(server -> server
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(authentication))
                        .authenticationEntryPoint((request, response, failure) -> {
                            bearer.commence(request, response, failure); // status and WWW-Authenticate
                            write(json, request, response, HttpStatus.UNAUTHORIZED, AuthProblem.UNAUTHORIZED.toString(),
                                    "Unauthorized", "A valid bearer access token is required.");
                        })
                        .accessDeniedHandler((request, response, denied) -> write(json, request, response,
                                HttpStatus.FORBIDDEN, AuthProblem.FORBIDDEN.toString(), "Forbidden",
                                "This operation needs the admin role.")));
        return http.build();
    }

    /** Verifies with the current key set of {@link SigningKeys}, read on every check (keys can rotate). */
    @Bean
    JwtDecoder jwtDecoder(SigningKeys keys, TokenSettings settings) {
        JWKSource<SecurityContext> ownKeys = (selector, context) -> selector.select(keys.publicJwkSet());
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, ownKeys));
        processor.setJWTClaimsSetVerifier((claims, context) -> { }); // the validators below check the claims
        NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(settings.issuer()), // exp/nbf with 60 s skew, iss
                new JwtClaimValidator<List<String>>("aud", aud -> aud != null && aud.contains(settings.audience())),
                new JwtClaimValidator<Instant>("exp", Objects::nonNull),
                new JwtClaimValidator<String>("sub", sub -> sub != null && !sub.isBlank())));
        return decoder;
    }

    private static void write(JsonMapper json, HttpServletRequest request, HttpServletResponse response,
                              HttpStatus status, String type, String title, String detail) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", type);
        problem.put("title", title);
        problem.put("status", status.value());
        problem.put("detail", detail);
        problem.put("instance", request.getRequestURI());
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(json.writeValueAsBytes(problem));
    }
}
