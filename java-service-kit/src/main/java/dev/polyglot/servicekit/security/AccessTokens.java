package dev.polyglot.servicekit.security;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.polyglot.servicekit.security.ServiceKitSecurityProperties.TokenSettings;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The platform's access-token check, for either web stack (the same rules as python-service-kit's service_kit.auth).
 *
 * <p>A token must be a JWS signed with RS256 (pinned: {@code none}, HS256 and every other algorithm are refused
 * before any key is used) by a key of auth-service's JWKS named by its {@code kid}, with {@code iss} = issuer,
 * {@code aud} containing the audience, {@code exp} (and {@code nbf}, {@code iat} if present) within the clock skew,
 * a {@code sub}, and {@code roles} absent or a list of names. Roles become authorities {@code ROLE_<role>}
 * ({@code hasRole("admin")}); the principal's name is the {@code sub}, the user id.
 */
public final class AccessTokens {

    public static final String ROLES_CLAIM = "roles";
    public static final String EMAIL_CLAIM = "email";

    private AccessTokens() {
    }

    /** iss, aud, exp/nbf/iat with skew, sub present, roles well formed. */
    public static OAuth2TokenValidator<Jwt> validator(TokenSettings settings, Clock clock) {
        JwtTimestampValidator timestamps = new JwtTimestampValidator(settings.clockSkew());
        timestamps.setClock(clock);
        return new DelegatingOAuth2TokenValidator<>(List.of(
                timestamps,
                new JwtClaimValidator<Object>(JwtClaimNames.EXP, Objects::nonNull),
                new JwtIssuerValidator(settings.issuer()),
                new JwtAudienceValidator(settings.audience()),
                new JwtClaimValidator<Object>(JwtClaimNames.SUB, sub -> sub instanceof String s && !s.isBlank()),
                new JwtClaimValidator<Object>(ROLES_CLAIM, AccessTokens::wellFormedRoles)));
    }

    private static boolean wellFormedRoles(Object roles) {
        return roles == null || roles instanceof Collection<?> names && names.stream().allMatch(String.class::isInstance);
    }

    /** For Spring MVC services. */
    public static JwtDecoder servletDecoder(JWKSource<SecurityContext> keys, OAuth2TokenValidator<Jwt> validator) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource(keys).jwsAlgorithm(SignatureAlgorithm.RS256).build();
        decoder.setJwtValidator(validator);
        return token -> {
            try {
                return decoder.decode(token);
            } catch (BadJwtException invalid) {
                throw invalid;
            } catch (JwtException uncheckable) {
                throw unverifiable(uncheckable);
            }
        };
    }

    /** For WebFlux services; the (blocking, rarely) key fetch runs on the bounded elastic scheduler. */
    public static ReactiveJwtDecoder reactiveDecoder(JWKSource<SecurityContext> keys,
                                                     OAuth2TokenValidator<Jwt> validator) {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder
                .withJwkSource(jwt -> Mono.fromCallable(() -> keys.get(
                                new JWKSelector(JWKMatcher.forJWSHeader(jwt.getHeader())), null))
                        .subscribeOn(Schedulers.boundedElastic())
                        .flatMapMany(Flux::<JWK>fromIterable))
                .jwsAlgorithm(SignatureAlgorithm.RS256)
                .build();
        decoder.setJwtValidator(validator);
        // Without keys, Spring's reactive decoder fails with an IllegalStateException ("Could not obtain the keys"):
        // every failure of decoding is about this token, so every one is a bad token here.
        return token -> decoder.decode(token).onErrorMap(error -> !(error instanceof BadJwtException),
                AccessTokens::unverifiable);
    }

    /**
     * The token could not be checked at all (no key set): a 401 like any token that cannot be trusted, not the
     * 500 Spring Security answers for an AuthenticationServiceException.
     */
    private static BadJwtException unverifiable(Throwable cause) {
        return new BadJwtException("The access token cannot be verified: " + cause.getMessage(), cause);
    }

    /** roles → ROLE_ authorities; principal name = sub. */
    public static JwtAuthenticationConverter authenticationConverter() {
        JwtGrantedAuthoritiesConverter authorities = new JwtGrantedAuthoritiesConverter();
        authorities.setAuthoritiesClaimName(ROLES_CLAIM);
        authorities.setAuthorityPrefix("ROLE_");
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(authorities);
        converter.setPrincipalClaimName(JwtClaimNames.SUB);
        return converter;
    }
}
