package dev.polyglot.servicekit.security;

import java.util.List;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;

/**
 * Spring MVC: makes an {@link HttpSecurity} a stateless resource server of the platform's access tokens, with the
 * kit's problem+json 401/403 and the public paths (ops, docs) let through. A service with rules of its own declares
 * its SecurityFilterChain, applies this first, then adds them:
 *
 * <pre>{@code
 * @Bean SecurityFilterChain api(HttpSecurity http, ServletTokenSecurity tokens) {
 *     tokens.customize(http);
 *     return http.authorizeHttpRequests(a -> a.requestMatchers("/api/x/admin/**").hasRole("admin")
 *             .anyRequest().authenticated()).build();
 * }
 * }</pre>
 */
public final class ServletTokenSecurity implements Customizer<HttpSecurity> {

    private final JwtDecoder decoder;
    private final JwtAuthenticationConverter converter;
    private final ProblemAuthenticationEntryPoint problems;
    private final List<String> publicPaths;

    public ServletTokenSecurity(JwtDecoder decoder, JwtAuthenticationConverter converter,
                                ProblemAuthenticationEntryPoint problems, List<String> publicPaths) {
        this.decoder = decoder;
        this.converter = converter;
        this.problems = problems;
        this.publicPaths = List.copyOf(publicPaths);
    }

    @Override
    public void customize(HttpSecurity http) {
        http.csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .oauth2ResourceServer(server -> server
                        .jwt(jwt -> jwt.decoder(decoder).jwtAuthenticationConverter(converter))
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems));
        if (!publicPaths.isEmpty()) {
            http.authorizeHttpRequests(requests -> requests
                    .requestMatchers(publicPaths.toArray(String[]::new)).permitAll());
        }
    }
}
