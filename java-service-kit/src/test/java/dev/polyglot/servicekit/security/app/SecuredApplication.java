package dev.polyglot.servicekit.security.app;

import dev.polyglot.servicekit.security.ReactiveTokenSecurity;
import dev.polyglot.servicekit.security.ServletTokenSecurity;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A service that opts into the kit's token checking, on either stack. With {@code custom-chain=true} it declares its
 * own chain (admin paths need the admin role) through the kit's customizer; without, the kit's default chain runs.
 */
@SpringBootApplication
public class SecuredApplication {

    @RestController
    static class Api {

        @GetMapping("/api/demo/me")
        Map<String, Object> me(Principal principal) {
            JwtAuthenticationToken token = (JwtAuthenticationToken) principal;
            return Map.of("user_id", token.getName(), "email", token.getToken().getClaimAsString("email"),
                    "authorities", token.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                            .filter(authority -> authority.startsWith("ROLE_")).toList());
        }

        @GetMapping("/api/demo/admin/stats")
        Map<String, Object> adminStats() {
            return Map.of("users", List.of());
        }

        @GetMapping("/api/demo/service-info")
        Map<String, Object> serviceInfo() {
            return Map.of("service", "demo");
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBooleanProperty("custom-chain")
    static class CustomChain {

        @Bean
        @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
        SecurityFilterChain api(HttpSecurity http, ServletTokenSecurity tokens) throws Exception {
            tokens.customize(http);
            return http.authorizeHttpRequests(requests -> requests
                    .requestMatchers("/api/demo/admin/**").hasRole("admin")
                    .anyRequest().authenticated()).build();
        }

        @Bean
        @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
        SecurityWebFilterChain reactiveApi(ServerHttpSecurity http, ReactiveTokenSecurity tokens) {
            tokens.customize(http);
            return http.authorizeExchange(exchanges -> exchanges
                    .pathMatchers("/api/demo/admin/**").hasRole("admin")
                    .anyExchange().authenticated()).build();
        }
    }
}
