package dev.polyglot.gateway.edge;

import dev.polyglot.contracts.ProblemType;
import org.springframework.core.annotation.Order;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.cors.reactive.DefaultCorsProcessor;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * CORS with the allowlist, before the token check (a preflight carries no token). Spring's own CORS filter refuses a
 * foreign origin with an empty 403; here it is a 403 problem like every other refusal. A preflight from an allowed
 * origin is answered here and goes no further.
 */
@Order(EdgeFilterOrder.CORS)
public class CorsFilter implements WebFilter {

    private final UrlBasedCorsConfigurationSource source;
    private final DefaultCorsProcessor processor = new DefaultCorsProcessor();

    public CorsFilter(UrlBasedCorsConfigurationSource source) {
        this.source = source;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        CorsConfiguration configuration = source.getCorsConfiguration(exchange);
        if (!processor.process(configuration, exchange)) {
            return Mono.error(new EdgeRejection(ProblemType.FORBIDDEN,
                    "This origin, method or header is not allowed for cross-origin requests."));
        }
        if (CorsUtils.isPreFlightRequest(exchange.getRequest())) {
            return Mono.empty();
        }
        return chain.filter(exchange);
    }
}
