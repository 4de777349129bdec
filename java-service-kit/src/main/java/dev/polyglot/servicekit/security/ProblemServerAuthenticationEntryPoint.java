package dev.polyglot.servicekit.security;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** WebFlux: 401 and 403 as problem+json with a Bearer challenge (see {@link SecurityProblems}). */
public final class ProblemServerAuthenticationEntryPoint implements ServerAuthenticationEntryPoint,
        ServerAccessDeniedHandler {

    private final SecurityProblems problems;

    public ProblemServerAuthenticationEntryPoint(SecurityProblems problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException failure) {
        return write(exchange, HttpStatus.UNAUTHORIZED, SecurityProblems.unauthorizedChallenge(failure),
                problems.unauthorized(failure, exchange.getRequest().getPath().value()));
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
        return write(exchange, HttpStatus.FORBIDDEN, SecurityProblems.forbiddenChallenge(),
                problems.forbidden(exchange.getRequest().getPath().value()));
    }

    private static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String challenge, byte[] body) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        response.setStatusCode(status);
        HttpHeaders headers = response.getHeaders();
        headers.set(SecurityProblems.WWW_AUTHENTICATE, challenge);
        headers.setContentType(MediaType.parseMediaType(SecurityProblems.PROBLEM_JSON));
        headers.setContentLength(body.length);
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
    }
}
