package dev.polyglot.auth.problem;

import dev.polyglot.contracts.ProblemType;
import dev.polyglot.servicekit.problem.Violation;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * An error auth-service decides itself, as one of the contract's problem types (contracts/problems/problem-types.yaml,
 * the type contracts/openapi/auth.yaml names for it): its status and title come from the {@link ProblemType}.
 * {@link AuthProblemHandler} turns it into application/problem+json.
 */
public class AuthProblem extends RuntimeException {

    private final ProblemType type;
    private final @Nullable List<Violation> errors;
    private final @Nullable Duration retryAfter;

    private AuthProblem(ProblemType type, String detail, @Nullable List<Violation> errors,
                        @Nullable Duration retryAfter) {
        super(detail, null, false, false); // an expected outcome: no stack trace
        this.type = type;
        this.errors = errors;
        this.retryAfter = retryAfter;
    }

    public static AuthProblem validation(String pointer, String message) {
        return new AuthProblem(ProblemType.VALIDATION_ERROR, "1 invalid value(s) in the request; see errors.",
                List.of(new Violation(pointer, message)), null);
    }

    public static AuthProblem unauthorized(String detail) {
        return new AuthProblem(ProblemType.UNAUTHORIZED, detail, null, null);
    }

    public static AuthProblem forbidden(String detail) {
        return new AuthProblem(ProblemType.FORBIDDEN, detail, null, null);
    }

    public static AuthProblem notFound(String detail) {
        return new AuthProblem(ProblemType.NOT_FOUND, detail, null, null);
    }

    public static AuthProblem conflict(String detail) {
        return new AuthProblem(ProblemType.CONFLICT, detail, null, null);
    }

    /** Unknown email and wrong password get this same problem, word for word. */
    public static AuthProblem badCredentials() {
        return new AuthProblem(ProblemType.BAD_CREDENTIALS, "Email or password is wrong.", null, null);
    }

    public static AuthProblem invalidRefreshToken(String detail) {
        return new AuthProblem(ProblemType.INVALID_REFRESH_TOKEN, detail, null, null);
    }

    public static AuthProblem rateLimited(String detail, Duration retryAfter) {
        return new AuthProblem(ProblemType.RATE_LIMITED, detail, null, retryAfter);
    }

    public ProblemType type() {
        return type;
    }

    public HttpStatus status() {
        return HttpStatus.valueOf(type.status());
    }

    public @Nullable List<Violation> errors() {
        return errors;
    }

    public @Nullable Duration retryAfter() {
        return retryAfter;
    }
}
