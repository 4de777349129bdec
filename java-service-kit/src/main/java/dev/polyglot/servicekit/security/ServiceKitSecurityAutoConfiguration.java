package dev.polyglot.servicekit.security;

import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.server.SecurityWebFilterChain;
import tools.jackson.databind.json.JsonMapper;

/**
 * Access-token checking for a service that opts in with {@code service-kit.security.enabled=true} and depends on
 * {@code spring-boot-starter-security-oauth2-resource-server}. Without the property nothing here runs, so services
 * with security of their own (auth-service) are not changed. The gateway opts in and declares its own chain (its
 * public and admin-only paths) on the {@link ReactiveTokenSecurity} provided here.
 *
 * <p>Provides a JwtDecoder (Spring MVC) or ReactiveJwtDecoder (WebFlux) with the platform's rules
 * ({@link AccessTokens}), the roles → ROLE_ converter, problem+json entry points, a {@link ServletTokenSecurity} or
 * {@link ReactiveTokenSecurity} to apply to a filter chain of one's own, and, if the service declares none, a
 * default chain: public paths open, every other request needs a valid token (not with
 * {@code service-kit.security.filter-chain=false}: the gateway checks tokens in a WebFilter of its own). Runs before
 * Boot's security auto-configurations, which back off once these beans exist.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.OAuth2ResourceServerWebSecurityAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.reactive.ReactiveOAuth2ResourceServerWebSecurityAutoConfiguration"})
@ConditionalOnClass(name = {"org.springframework.security.oauth2.jwt.JwtDecoder",
        "org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter"})
@ConditionalOnBooleanProperty("service-kit.security.enabled")
@ConditionalOnWebApplication
@EnableConfigurationProperties(ServiceKitSecurityProperties.class)
public class ServiceKitSecurityAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    AuthServiceJwkSource serviceKitJwkSource(ServiceKitSecurityProperties properties) {
        ServiceKitSecurityProperties.TokenSettings settings = properties.tokenSettings();
        return new AuthServiceJwkSource(settings.jwkSetUri(), settings.minRefetchInterval(), settings.maxCacheAge(),
                Clock.systemUTC());
    }

    @Bean
    OAuth2TokenValidator<Jwt> serviceKitTokenValidator(ServiceKitSecurityProperties properties) {
        return AccessTokens.validator(properties.tokenSettings(), Clock.systemUTC());
    }

    @Bean
    @ConditionalOnMissingBean
    JwtAuthenticationConverter serviceKitJwtAuthenticationConverter() {
        return AccessTokens.authenticationConverter();
    }

    @Bean
    SecurityProblems serviceKitSecurityProblems(JsonMapper jsonMapper) {
        return new SecurityProblems(jsonMapper);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class Servlet {

        @Bean
        @ConditionalOnMissingBean
        JwtDecoder jwtDecoder(AuthServiceJwkSource keys, OAuth2TokenValidator<Jwt> serviceKitTokenValidator) {
            return AccessTokens.servletDecoder(keys, serviceKitTokenValidator);
        }

        @Bean
        ProblemAuthenticationEntryPoint serviceKitAuthenticationEntryPoint(SecurityProblems problems) {
            return new ProblemAuthenticationEntryPoint(problems);
        }

        @Bean
        ServletTokenSecurity servletTokenSecurity(JwtDecoder decoder, JwtAuthenticationConverter converter,
                                                  ProblemAuthenticationEntryPoint problems,
                                                  ServiceKitSecurityProperties properties) {
            return new ServletTokenSecurity(decoder, converter, problems, properties.publicPathsOrDefault());
        }

        @Bean
        @ConditionalOnMissingBean(SecurityFilterChain.class)
        SecurityFilterChain serviceKitSecurityFilterChain(HttpSecurity http, ServletTokenSecurity tokens)
                throws Exception {
            tokens.customize(http);
            return http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated()).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    static class Reactive {

        @Bean
        @ConditionalOnMissingBean
        ReactiveJwtDecoder reactiveJwtDecoder(AuthServiceJwkSource keys,
                                              OAuth2TokenValidator<Jwt> serviceKitTokenValidator) {
            return AccessTokens.reactiveDecoder(keys, serviceKitTokenValidator);
        }

        @Bean
        ProblemServerAuthenticationEntryPoint serviceKitServerAuthenticationEntryPoint(SecurityProblems problems) {
            return new ProblemServerAuthenticationEntryPoint(problems);
        }

        @Bean
        ReactiveTokenSecurity reactiveTokenSecurity(ReactiveJwtDecoder decoder, JwtAuthenticationConverter converter,
                                                    ProblemServerAuthenticationEntryPoint problems,
                                                    ServiceKitSecurityProperties properties) {
            return new ReactiveTokenSecurity(decoder, converter, problems, properties.publicPathsOrDefault());
        }

        @Bean
        @ConditionalOnMissingBean(SecurityWebFilterChain.class)
        @ConditionalOnBooleanProperty(name = "service-kit.security.filter-chain", matchIfMissing = true)
        SecurityWebFilterChain serviceKitSecurityWebFilterChain(ServerHttpSecurity http, ReactiveTokenSecurity tokens) {
            tokens.customize(http);
            return http.authorizeExchange(exchanges -> exchanges.anyExchange().authenticated()).build();
        }
    }
}
