package dev.polyglot.servicekit.security;

import java.util.List;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;

/**
 * WebFlux: makes a {@link ServerHttpSecurity} a stateless resource server of the platform's access tokens, with the
 * kit's problem+json 401/403 and the public paths (ops, docs) let through. A service with rules of its own declares
 * its SecurityWebFilterChain, applies this first, then adds them (see {@link ServletTokenSecurity}).
 */
public final class ReactiveTokenSecurity implements Customizer<ServerHttpSecurity> {

    private final ReactiveJwtDecoder decoder;
    private final JwtAuthenticationConverter converter;
    private final ProblemServerAuthenticationEntryPoint problems;
    private final List<String> publicPaths;

    public ReactiveTokenSecurity(ReactiveJwtDecoder decoder, JwtAuthenticationConverter converter,
                                 ProblemServerAuthenticationEntryPoint problems, List<String> publicPaths) {
        this.decoder = decoder;
        this.converter = converter;
        this.problems = problems;
        this.publicPaths = List.copyOf(publicPaths);
    }

    @Override
    public void customize(ServerHttpSecurity http) {
        http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(cache -> cache.disable())
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .oauth2ResourceServer(server -> server
                        .jwt(jwt -> jwt.jwtDecoder(decoder)
                                .jwtAuthenticationConverter(new ReactiveJwtAuthenticationConverterAdapter(converter)))
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems));
        if (!publicPaths.isEmpty()) {
            http.authorizeExchange(exchanges -> exchanges.pathMatchers(publicPaths.toArray(String[]::new)).permitAll());
        }
    }
}
