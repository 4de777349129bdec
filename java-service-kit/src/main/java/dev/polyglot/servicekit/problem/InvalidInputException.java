package dev.polyglot.servicekit.problem;

import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * Input that breaks a rule of the contract which neither Jackson nor Bean Validation checked: a JSON Schema keyword
 * the model generator drops ({@code minProperties}), a query value sent empty. {@link ProblemFactory} answers it like
 * any other invalid input: 422 with every violation in {@code errors}.
 */
public class InvalidInputException extends ErrorResponseException {

    private final List<Violation> violations;

    public InvalidInputException(List<Violation> violations) {
        // An ErrorResponse: Spring MVC resolves it like its own input errors (no "unhandled exception" in the log).
        super(HttpStatus.UNPROCESSABLE_CONTENT);
        this.violations = List.copyOf(violations);
    }

    public InvalidInputException(String pointer, String message) {
        this(List.of(new Violation(pointer, message)));
    }

    public List<Violation> violations() {
        return violations;
    }
}
