package dev.polyglot.auth.problem;

import dev.polyglot.servicekit.problem.ProblemFactory;
import dev.polyglot.servicekit.problem.Violation;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * An error auth-service decides itself, with the problem type the contract (contracts/openapi/auth.yaml) names
 * for it. {@link AuthProblemHandler} turns it into application/problem+json.
 */
public class AuthProblem extends RuntimeException {

    public static final URI UNAUTHORIZED = ProblemFactory.UNAUTHORIZED;
    public static final URI FORBIDDEN = ProblemFactory.FORBIDDEN;
    public static final URI CONFLICT = URI.create("https://polyglot.dev/problems/conflict");
    public static final URI BAD_CREDENTIALS = URI.create("https://polyglot.dev/problems/bad-credentials");
    public static final URI INVALID_REFRESH_TOKEN = URI.create("https://polyglot.dev/problems/invalid-refresh-token");
    public static final URI RATE_LIMITED = URI.create("https://polyglot.dev/problems/rate-limited");

    private final HttpStatus status;
    private final URI type;
    private final String title;
    private final @Nullable List<Violation> errors;
    private final @Nullable Duration retryAfter;

    private AuthProblem(HttpStatus status, URI type, String title, String detail, @Nullable List<Violation> errors,
                        @Nullable Duration retryAfter) {
        super(detail, null, false, false); // an expected outcome: no stack trace
        this.status = status;
        this.type = type;
        this.title = title;
        this.errors = errors;
        this.retryAfter = retryAfter;
    }

    public static AuthProblem validation(String pointer, String message) {
        return new AuthProblem(HttpStatus.UNPROCESSABLE_CONTENT, ProblemFactory.VALIDATION_ERROR, "Invalid request",
                "1 invalid value(s) in the request; see errors.", List.of(new Violation(pointer, message)), null);
    }

    public static AuthProblem unauthorized(String detail) {
        return new AuthProblem(HttpStatus.UNAUTHORIZED, UNAUTHORIZED, "Unauthorized", detail, null, null);
    }

    public static AuthProblem forbidden(String detail) {
        return new AuthProblem(HttpStatus.FORBIDDEN, FORBIDDEN, "Forbidden", detail, null, null);
    }

    public static AuthProblem notFound(String detail) {
        return new AuthProblem(HttpStatus.NOT_FOUND, ProblemFactory.ABOUT_BLANK, "Not Found", detail, null, null);
    }

    public static AuthProblem conflict(String detail) {
        return new AuthProblem(HttpStatus.CONFLICT, CONFLICT, "Conflict", detail, null, null);
    }

    /** Unknown email and wrong password get this same problem, word for word. */
    public static AuthProblem badCredentials() {
        return new AuthProblem(HttpStatus.UNAUTHORIZED, BAD_CREDENTIALS, "Bad credentials",
                "Email or password is wrong.", null, null);
    }

    public static AuthProblem invalidRefreshToken(String detail) {
        return new AuthProblem(HttpStatus.UNAUTHORIZED, INVALID_REFRESH_TOKEN, "Invalid refresh token", detail, null,
                null);
    }

    public static AuthProblem rateLimited(String detail, Duration retryAfter) {
        return new AuthProblem(HttpStatus.TOO_MANY_REQUESTS, RATE_LIMITED, "Too Many Requests", detail, null,
                retryAfter);
    }

    public HttpStatus status() {
        return status;
    }

    public URI type() {
        return type;
    }

    public String title() {
        return title;
    }

    public @Nullable List<Violation> errors() {
        return errors;
    }

    public @Nullable Duration retryAfter() {
        return retryAfter;
    }
}
