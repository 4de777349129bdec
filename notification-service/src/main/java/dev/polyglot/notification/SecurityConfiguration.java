package dev.polyglot.notification;

import dev.polyglot.servicekit.security.ReactiveTokenSecurity;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;

@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, ReactiveTokenSecurity tokens) {
        tokens.customize(http);
        return http.authorizeExchange(exchanges -> exchanges
                        // Browsers cannot send a bearer token on the handshake: the socket checks its ticket itself.
                        .pathMatchers("/ws/**").permitAll()
                        .pathMatchers(HttpMethod.POST, "/api/notifications/broadcast").hasRole(Reader.ADMIN)
                        .pathMatchers("/api/notifications", "/api/notifications/ticket", "/api/notifications/stream")
                        .authenticated()
                        // Every served route is named above; anything else is routed to a 404 problem, as the
                        // Python services answer it, rather than a 401 that would claim the path exists.
                        .anyExchange().permitAll())
                .build();
    }
}
