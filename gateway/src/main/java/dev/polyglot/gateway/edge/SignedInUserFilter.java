package dev.polyglot.gateway.edge;

import java.util.List;
import org.springframework.core.annotation.Order;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * After the token check: who is calling, for the rate limit and the access log (an exchange attribute), and for
 * the services as X-User-Id / X-User-Roles. The services still verify the token, which is forwarded unchanged;
 * these headers only ever come from a token the gateway validated (a client's own are dropped before).
 */
@Component
@Order(EdgeFilterOrder.SIGNED_IN_USER)
public class SignedInUserFilter implements WebFilter {

    public static final String USER_ID_ATTRIBUTE = SignedInUserFilter.class.getName() + ".userId";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return ReactiveSecurityContextHolder.getContext()
                .map(SecurityContext::getAuthentication)
                .filter(JwtAuthenticationToken.class::isInstance)
                .cast(JwtAuthenticationToken.class)
                .map(token -> withUser(exchange, token))
                .defaultIfEmpty(exchange)
                .flatMap(chain::filter);
    }

    private static ServerWebExchange withUser(ServerWebExchange exchange, JwtAuthenticationToken token) {
        String userId = token.getName();
        exchange.getAttributes().put(USER_ID_ATTRIBUTE, userId);
        List<String> roles = token.getToken().getClaimAsStringList("roles");
        return exchange.mutate().request(request -> request.headers(headers -> {
            headers.set(EdgeHeaders.USER_ID, userId);
            headers.set(EdgeHeaders.USER_ROLES, roles == null ? "" : String.join(",", roles));
        })).build();
    }
}
