package dev.polyglot.gateway.edge;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The security headers of every answer, the edge's refusals included. nosniff, no framing (X-Frame-Options for old
 * browsers, frame-ancestors for the others), a Referrer-Policy, HSTS on https requests only (behind TLS: over plain
 * http it means nothing), and a Content-Security-Policy by what the answer is: the console and the docs pages get a
 * strict policy for pages (scripts only from this origin, no inline script); API answers one that allows nothing at
 * all, which costs nothing and stops a JSON answer from ever running as a page. A header a service set is kept.
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

    static final String HSTS = "max-age=31536000 ; includeSubDomains";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().value();
        String policy = isApi(path) ? API_POLICY : path.startsWith("/redoc") ? REDOC_POLICY : PAGE_POLICY;
        boolean secure = "https".equals(exchange.getRequest().getURI().getScheme());
        exchange.getResponse().beforeCommit(() -> {
            HttpHeaders headers = exchange.getResponse().getHeaders();
            setIfAbsent(headers, "Content-Security-Policy", policy);
            setIfAbsent(headers, "X-Content-Type-Options", "nosniff");
            setIfAbsent(headers, "X-Frame-Options", "DENY");
            setIfAbsent(headers, "Referrer-Policy", "strict-origin-when-cross-origin");
            if (secure) {
                setIfAbsent(headers, "Strict-Transport-Security", HSTS);
            }
            return Mono.empty();
        });
        return chain.filter(exchange);
    }

    private static void setIfAbsent(HttpHeaders headers, String name, String value) {
        if (!headers.containsHeader(name)) {
            headers.set(name, value);
        }
    }

    static boolean isApi(String path) {
        return path.startsWith("/api/") || path.startsWith("/actuator") || path.startsWith("/v3/api-docs")
                || path.startsWith("/ws/");
    }
}
