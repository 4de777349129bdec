package dev.polyglot.servicekit.problem.reactive;

import dev.polyglot.servicekit.problem.ProblemFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers every error of a reactive application with a problem, in place of Boot's
 * DefaultErrorWebExceptionHandler.
 *
 * <p>A WebExceptionHandler sees what a {@code @ControllerAdvice} would not: a path no handler matches, and
 * errors of non-annotated handlers such as the gateway's proxy.
 */
public class ProblemWebExceptionHandler implements ErrorWebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemWebExceptionHandler.class);

    private final ProblemFactory problems;
    private final JsonMapper jsonMapper;

    /** The error as logged: its message, stack and causes, without the suppressed exceptions Reactor attaches. */
    static Throwable withoutCheckpoints(Throwable error) {
        if (error.getSuppressed().length == 0) {
            return error;
        }
        Throwable printable = new Throwable(error.toString(), error.getCause(), false, true) { };
        printable.setStackTrace(error.getStackTrace());
        return printable;
    }

    public ProblemWebExceptionHandler(ProblemFactory problems, JsonMapper jsonMapper) {
        this.problems = problems;
        this.jsonMapper = jsonMapper;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(error);
        }
        ServerHttpRequest request = exchange.getRequest();
        ProblemDetail problem = problems.fromException(error, request.getMethod(), request.getPath().value());
        int status = problem.getStatus();
        if (status == 502 || status == 503 || status == 504) {
            // A dependency down or slow: expected under faults, and its cause says all; no stack to wade through.
            log.warn("{} {} answered {}: {}", request.getMethod(), request.getPath(), status, error.toString());
        } else if (status >= 500) {
            // The client gets no details of a server error, so the log must have them all, but not Reactor's
            // assembly checkpoints: they quote the request's whole URI, and a query can carry a credential (the
            // WebSocket handshake's ticket).
            log.error("{} {} failed with status {}", request.getMethod(), request.getPath(), status,
                    withoutCheckpoints(error));
        }
        response.setStatusCode(HttpStatusCode.valueOf(problem.getStatus()));
        if (error instanceof ErrorResponse errorResponse) {
            response.getHeaders().addAll(errorResponse.getHeaders()); // Allow on a 405, Accept on a 415
        }
        response.getHeaders().addAll(problems.headersFor(error, problem)); // Retry-After on a dependency's 503
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        byte[] body = jsonMapper.writeValueAsBytes(problem);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
