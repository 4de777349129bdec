package dev.polyglot.servicekit.problem;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;

/**
 * Spring MVC's "required input missing" exceptions. They live in spring-web but extend
 * jakarta.servlet.ServletException, so a reactive application (no servlet API) must never load them:
 * {@link ProblemFactory} calls in here only when the servlet API is present.
 */
final class MissingServletInputs {

    private MissingServletInputs() {
    }

    static @Nullable Violation violationOf(Throwable error) {
        if (error instanceof MissingServletRequestParameterException missing) {
            return new Violation(RequestPointer.QUERY.to(missing.getParameterName()), ProblemFactory.REQUIRED);
        }
        if (error instanceof MissingRequestHeaderException missing) {
            return new Violation(RequestPointer.HEADER.to(missing.getHeaderName()), ProblemFactory.REQUIRED);
        }
        return null;
    }
}
