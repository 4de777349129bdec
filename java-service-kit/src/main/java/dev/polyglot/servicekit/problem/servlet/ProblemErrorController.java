package dev.polyglot.servicekit.problem.servlet;

import dev.polyglot.servicekit.problem.ProblemFactory;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Objects;
import org.springframework.boot.webmvc.error.ErrorAttributes;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.ServletWebRequest;

/**
 * Answers every error of a servlet application with a problem, in place of Boot's BasicErrorController.
 *
 * <p>All errors end up here: exceptions Spring MVC resolves to a status (404, 405, 415, validation),
 * exceptions nobody handled (500), and statuses the container or a filter sent. Handling them in this one
 * place, rather than in a {@code @ControllerAdvice} that would only see exceptions thrown by handlers,
 * gives filters and the container the same error shape. The container logs unhandled exceptions itself.
 */
@RestController
public class ProblemErrorController implements ErrorController {

    private final ErrorAttributes errorAttributes;
    private final ProblemFactory problems;

    public ProblemErrorController(ErrorAttributes errorAttributes, ProblemFactory problems) {
        this.errorAttributes = errorAttributes;
        this.problems = problems;
    }

    @RequestMapping("${spring.web.error.path:/error}")
    public ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        // The error dispatch is a GET to the error path: the failed request is in the error attributes.
        String path = Objects.toString(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI),
                request.getRequestURI());
        HttpMethod method = HttpMethod.valueOf(Objects.toString(request.getAttribute(RequestDispatcher.ERROR_METHOD),
                request.getMethod()));
        Throwable error = errorAttributes.getError(new ServletWebRequest(request));
        ProblemDetail problem = error != null
                ? problems.fromException(error, method, path)
                : problems.fromStatus(statusOf(request), method, path);
        // A preset content type skips negotiation: the problem is sent whatever the client said it accepts. (The
        // headers of an ErrorResponse, Allow on a 405 say, are on the response already: Spring MVC set them.)
        return ResponseEntity.status(problem.getStatus())
                .headers(error != null ? problems.headersFor(error, problem) : HttpHeaders.EMPTY)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    private static HttpStatusCode statusOf(HttpServletRequest request) {
        // No status attribute: the error path was requested directly, and there is nothing to see there.
        return request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer status
                ? HttpStatusCode.valueOf(status)
                : HttpStatus.NOT_FOUND;
    }
}
