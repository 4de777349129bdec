package dev.polyglot.auth.problem;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * auth-service's own problems. Everything else (validation, 404, 405, 500) goes to the service kit's error
 * controller, which writes the same shape.
 */
@RestControllerAdvice
class AuthProblemHandler {

    @ExceptionHandler(AuthProblem.class)
    ResponseEntity<ProblemDetail> handle(AuthProblem problem, HttpServletRequest request) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(problem.status(), problem.getMessage());
        body.setType(problem.type().uri());
        body.setTitle(problem.type().title());
        body.setInstance(URI.create(request.getRequestURI()));
        if (problem.errors() != null) {
            body.setProperty("errors", problem.errors());
        }
        ResponseEntity.BodyBuilder response = ResponseEntity.status(problem.status())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (problem.retryAfter() != null) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, ceilSeconds(problem))));
        }
        return response.body(body);
    }

    private static long ceilSeconds(AuthProblem problem) {
        long millis = problem.retryAfter().toMillis();
        return (millis + 999) / 1000;
    }
}
