package dev.polyglot.gateway.edge;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * A Content-Security-Policy on every answer, by what it is: the console and the docs pages get a strict policy for
 * pages (scripts only from this origin, no inline script, no framing); API answers one that allows nothing at all,
 * which costs nothing and stops a JSON answer from ever running as a page. A service's own policy is kept.
 * (nosniff, X-Frame-Options, Referrer-Policy and HSTS come from Spring Security's headers, see EdgeSecurity.)
 */
@Order(EdgeFilterOrder.SECURITY_HEADERS)
public class SecurityHeadersFilter implements WebFilter {

    static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'";
    // Inline styles: Swagger UI, Redoc and the console's components set style attributes; inline scripts never.
    static final String PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
            + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    // Redoc has no package on Maven Central: /redoc loads its bundle from Redoc's CDN, and only that.
    static final String REDOC_POLICY = PAGE_POLICY.replace("script-src 'self'", "script-src 'self' https://cdn.redoc.ly");

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().value();
        String policy = isApi(path) ? API_POLICY : path.startsWith("/redoc") ? REDOC_POLICY : PAGE_POLICY;
        exchange.getResponse().beforeCommit(() -> {
            HttpHeaders headers = exchange.getResponse().getHeaders();
            if (!headers.containsHeader("Content-Security-Policy")) {
                headers.set("Content-Security-Policy", policy);
            }
            return Mono.empty();
        });
        return chain.filter(exchange);
    }

    static boolean isApi(String path) {
        return path.startsWith("/api/") || path.startsWith("/actuator") || path.startsWith("/v3/api-docs")
                || path.startsWith("/ws/");
    }
}
