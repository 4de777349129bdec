package dev.polyglot.servicekit.problem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;

/**
 * A query parameter or header sent with an empty (or blank) value ({@code ?since=}, {@code ?size=}, {@code Last-Event-ID: })
 * where the handler takes a number, a date-time, a UUID...: Spring reads the empty value as absent (null, or the
 * declared default), so the request would pass as if it had not been sent, while an empty string is no integer,
 * date-time or UUID in the contract. Parameters bound to strings keep the empty value and are left to Bean Validation
 * ({@code minLength}, {@code pattern}). Each stack calls {@link #of} before the handler runs; every empty value is
 * reported, as a 422.
 */
public final class EmptyRequestValues {

    private EmptyRequestValues() {
    }

    /**
     * @param queryValues the values of a query parameter by name (none: not sent)
     * @param headerValues the values of a header by name, in any case (none: not sent)
     * @return the empty values of parameters {@code handler} does not read as text
     */
    public static List<Violation> of(HandlerMethod handler, Function<String, List<String>> queryValues,
                                     Function<String, List<String>> headerValues) {
        List<Violation> violations = new ArrayList<>();
        for (MethodParameter parameter : handler.getMethodParameters()) {
            Class<?> type = parameter.nestedIfOptional().getNestedParameterType();
            if (CharSequence.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type)) {
                continue;
            }
            // HandlerMethod's parameters see the annotations of the interface a controller implements too.
            RequestParam requestParam = parameter.getParameterAnnotation(RequestParam.class);
            RequestHeader requestHeader = parameter.getParameterAnnotation(RequestHeader.class);
            if (requestParam != null) {
                String name = requestParam.name().isEmpty() ? parameter.getParameterName() : requestParam.name();
                if (name != null && queryValues.apply(name).stream().anyMatch(EmptyRequestValues::isBlank)) {
                    violations.add(new Violation(RequestPointer.QUERY.to(name), ProblemFactory.mustBe(type)));
                }
            } else if (requestHeader != null) {
                String name = requestHeader.name().isEmpty() ? parameter.getParameterName() : requestHeader.name();
                if (name != null && headerValues.apply(name).stream().anyMatch(EmptyRequestValues::isBlank)) {
                    violations.add(new Violation(RequestPointer.HEADER.to(name), ProblemFactory.mustBe(type)));
                }
            }
        }
        return violations;
    }

    /** Sent, and empty or blank; null (a query parameter without '=', {@code ?flag}) is not. */
    static boolean isBlank(@Nullable String value) {
        return value != null && value.isBlank();
    }
}
