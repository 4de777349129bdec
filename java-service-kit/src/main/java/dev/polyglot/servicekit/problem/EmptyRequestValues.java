package dev.polyglot.servicekit.problem;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;

/**
 * A query parameter sent with an empty value ({@code ?since=}, {@code ?size=}) where the handler takes a number, a
 * date-time, a UUID...: Spring reads the empty value as absent (null, or the declared default), so the request would
 * pass as if the parameter had not been sent, while an empty string is no integer or date-time in the contract.
 * Parameters bound to strings keep the empty value and are left to Bean Validation ({@code minLength}, {@code pattern}).
 * Each stack calls {@link #of} before the handler runs; every empty value is reported, as a 422.
 */
public final class EmptyQueryValues {

    private EmptyQueryValues() {
    }

    /**
     * @param queryValues the values of a query parameter by name (none: not sent)
     * @return the empty values of parameters {@code handler} does not read as text
     */
    public static List<Violation> of(HandlerMethod handler, Function<String, List<String>> queryValues) {
        List<Violation> violations = new ArrayList<>();
        for (MethodParameter parameter : handler.getMethodParameters()) {
            // HandlerMethod's parameters see the annotations of the interface a controller implements too.
            RequestParam requestParam = parameter.getParameterAnnotation(RequestParam.class);
            Class<?> type = parameter.nestedIfOptional().getNestedParameterType();
            if (requestParam == null || CharSequence.class.isAssignableFrom(type)
                    || java.util.Map.class.isAssignableFrom(type)) {
                continue;
            }
            String name = requestParam.name().isEmpty() ? parameter.getParameterName() : requestParam.name();
            if (name != null && queryValues.apply(name).stream().anyMatch(String::isEmpty)) {
                violations.add(new Violation(RequestPointer.QUERY.to(name), ProblemFactory.mustBe(type)));
            }
        }
        return violations;
    }
}
