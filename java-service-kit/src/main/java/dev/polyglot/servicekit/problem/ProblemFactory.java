package dev.polyglot.servicekit.problem;

import dev.polyglot.contracts.ProblemType;
import java.lang.annotation.Annotation;
import java.math.BigInteger;
import java.net.URI;
import java.time.LocalDate;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.TypeMismatchException;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.codec.DecodingException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.util.ClassUtils;
import org.springframework.validation.Errors;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.MatrixVariable;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.server.MissingRequestValueException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.InvalidNullException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns whatever went wrong while handling a request into the platform's one error shape: an RFC 9457
 * problem {@code {type, title, status, detail, instance, errors?}}, with the same wording as the Python services'
 * (python-service-kit's problems module) and contracts/schemas/problem.schema.json. The type and title always come
 * from contracts/problems/problem-types.yaml ({@link ProblemType}): a named type where there is one
 * ({@code validation-error}, {@code malformed-body}, or the one an application's exception carries, see
 * {@link #typed}), else the type the contract gives the status ({@link ProblemType#forStatus(int)}), so that even
 * a plain 404 has a named type rather than RFC 9457's blank one.
 *
 * <p>Only spring-web types are used here, so the servlet and the reactive stack share every rule: which
 * status an error gets, how an invalid input is located ({@link RequestPointer}), and that a 500 says
 * nothing about the server's internals. (The few spring-web exceptions that need the servlet API are in
 * {@link MissingServletInputs}.)
 */
public class ProblemFactory {

    static final String REQUIRED = "is required";

    // A handler parameter carries at most one of these; without any, Spring binds it from the query string.
    private static final Map<Class<? extends Annotation>, RequestPointer> SECTION_BY_ANNOTATION = Map.of(
            RequestParam.class, RequestPointer.QUERY,
            PathVariable.class, RequestPointer.PATH,
            MatrixVariable.class, RequestPointer.PATH,
            RequestHeader.class, RequestPointer.HEADER,
            CookieValue.class, RequestPointer.COOKIE);

    private static final boolean SERVLET_API =
            ClassUtils.isPresent("jakarta.servlet.ServletException", ProblemFactory.class.getClassLoader());

    private final JsonPropertyPath bodyPaths;

    public ProblemFactory(JsonMapper jsonMapper) {
        this.bodyPaths = new JsonPropertyPath(jsonMapper.deserializationConfig());
    }

    /** The problem describing {@code error}, which happened while handling {@code method path}. */
    public ProblemDetail fromException(Throwable error, HttpMethod method, String path) {
        ProblemDetail problem = describe(error, method, path);
        setInstance(problem, path);
        return problem;
    }

    /**
     * The headers the answer {@code problem} to {@code error} carries besides the exception's own (an ErrorResponse's
     * Allow or Retry-After): {@code Retry-After} on the 503 of a dependency that is unavailable
     * ({@link UnavailableDependency}).
     */
    public HttpHeaders headersFor(Throwable error, ProblemDetail problem) {
        HttpHeaders headers = new HttpHeaders();
        if (problem.getStatus() == HttpStatus.SERVICE_UNAVAILABLE.value() && !(error instanceof ErrorResponse)
                && UnavailableDependency.explains(error)) {
            headers.set(HttpHeaders.RETRY_AFTER, UnavailableDependency.RETRY_AFTER_SECONDS);
        }
        return headers;
    }

    /** The problem for a response status that no exception explains (a servlet container's own 404, say). */
    public ProblemDetail fromStatus(HttpStatusCode status, HttpMethod method, String path) {
        ProblemDetail problem = plain(status, null, method, path);
        setInstance(problem, path);
        return problem;
    }

    private ProblemDetail describe(Throwable error, HttpMethod method, String path) {
        List<Violation> violations = violations(error);
        if (!violations.isEmpty()) {
            violations.sort(Comparator.comparing(Violation::pointer).thenComparing(Violation::message));
            return problem(ProblemType.VALIDATION_ERROR,
                    violations.size() + " invalid value(s) in the request; see errors.", violations);
        }
        if (causeOf(error, MultipartException.class) != null) {
            // Spring MVC parses any multipart/* request before it looks for a handler: a broken one (no boundary) is
            // the client's unreadable body, whichever operation it was sent to.
            return problem(ProblemType.MALFORMED_BODY, "The request body is not valid multipart/form-data.",
                    List.of(new Violation(RequestPointer.BODY.to(), "is not valid multipart/form-data")));
        }
        if (isUnreadableBody(error)) {
            StreamReadException syntaxError = causeOf(error, StreamReadException.class);
            String reason = syntaxError == null ? "is missing or not JSON" : describe(syntaxError);
            return problem(ProblemType.MALFORMED_BODY,
                    "The request body is not valid JSON.", List.of(new Violation(RequestPointer.BODY.to(), reason)));
        }
        if (error instanceof ErrorResponse response) {
            ProblemDetail problem = plain(response.getStatusCode(), applicationDetail(error, response), method, path);
            applicationType(error, response).ifPresent(type -> {
                problem.setType(type.uri());
                problem.setTitle(type.title());
            });
            return problem;
        }
        if (UnavailableDependency.explains(error)) {
            return plain(HttpStatus.SERVICE_UNAVAILABLE, null, method, path);
        }
        if (isUnparsableParameters(error)) {
            return plain(HttpStatus.BAD_REQUEST, "The query string cannot be read as parameters.", method, path);
        }
        return plain(HttpStatus.INTERNAL_SERVER_ERROR, null, method, path);
    }

    /**
     * Tomcat 11 refuses a query string (or form body) it cannot parse, such as a parameter without a name
     * ({@code ?=7}), with this IllegalStateException once anything asks for a parameter: the client's error, a 400.
     * Named, not imported: a reactive application has no Tomcat.
     */
    private static boolean isUnparsableParameters(Throwable error) {
        for (Throwable current = error; current != null; current = current.getCause()) {
            if ("org.apache.tomcat.util.http.InvalidParameterException".equals(current.getClass().getName())) {
                return true;
            }
        }
        return false;
    }

    private static ProblemDetail problem(ProblemType type, String detail, List<Violation> errors) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(type.status()), detail);
        problem.setType(type.uri());
        problem.setTitle(type.title());
        problem.setProperty("errors", errors);
        return problem;
    }

    /** A problem the status code says it all for; only its detail varies. */
    private static ProblemDetail plain(HttpStatusCode status, @Nullable String applicationDetail,
                                       HttpMethod method, String path) {
        ProblemDetail problem = ProblemDetail.forStatus(status);
        ProblemType type = ProblemType.forStatus(status.value());
        problem.setType(type.uri());
        problem.setTitle(type.title());
        problem.setDetail(status.value() != 500 && applicationDetail != null
                ? applicationDetail
                : switch (status.value()) {
                    case 404 -> "Nothing is served at " + path + ".";
                    case 405 -> method.name() + " is not allowed on " + path + "; see the Allow header.";
                    case 415 -> "This Content-Type is not supported here; see the Accept header.";
                    case 500 -> "An unexpected error occurred.";
                    case 502, 503 -> "A service needed to answer this request is unavailable.";
                    case 504 -> "A service needed to answer this request did not answer in time.";
                    default -> {
                        HttpStatus known = HttpStatus.resolve(status.value());
                        yield known != null ? known.getReasonPhrase() + "." : "The request failed.";
                    }
                });
        return problem;
    }

    /**
     * The detail an application wrote: a ResponseStatusException's reason, or its own ErrorResponse's. Spring's
     * own details are not used: they differ between the two stacks and can name Java types.
     */
    private static @Nullable String applicationDetail(Throwable error, ErrorResponse response) {
        return isSpringsOwn(error) ? null : response.getBody().getDetail();
    }

    private static boolean isSpringsOwn(Throwable error) {
        return error.getClass().getName().startsWith("org.springframework.")
                && error.getClass() != ResponseStatusException.class;
    }

    /**
     * Marks an application's exception with the problem type it stands for: its body gets that type's URI and title,
     * and the answer keeps them (the status stays the exception's). For the exceptions of a service or the gateway
     * ({@code ResponseStatusException} and subclasses) that have something more specific to say than their status.
     */
    public static <E extends ErrorResponse> E typed(E error, ProblemType type) {
        error.getBody().setType(type.uri());
        error.getBody().setTitle(type.title());
        return error;
    }

    /** The type {@link #typed} gave an application's exception; Spring's own exceptions get the status's. */
    private static Optional<ProblemType> applicationType(Throwable error, ErrorResponse response) {
        URI type = response.getBody().getType();
        if (isSpringsOwn(error) || type == null || !type.toString().startsWith(ProblemType.BASE)) {
            return Optional.empty();
        }
        return ProblemType.byName(type.toString().substring(ProblemType.BASE.length()));
    }

    /** What the JSON parser stumbled on, and where: it is about the client's own input, nothing internal. */
    private static String describe(StreamReadException syntaxError) {
        TokenStreamLocation location = syntaxError.getLocation();
        return location == null ? syntaxError.getOriginalMessage()
                : syntaxError.getOriginalMessage() + " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static void setInstance(ProblemDetail problem, String path) {
        try {
            problem.setInstance(URI.create(path));
        } catch (IllegalArgumentException notAUriPath) {
            // A path the server could route but that is no valid URI reference: better no instance than a 500.
        }
    }

    private List<Violation> violations(Throwable error) {
        List<Violation> violations = new ArrayList<>();
        Violation missingServletInput = SERVLET_API ? MissingServletInputs.violationOf(error) : null;
        if (missingServletInput != null) {
            violations.add(missingServletInput);
        } else if (error instanceof InvalidInputException invalid) {
            violations.addAll(invalid.violations());
        } else if (error instanceof MethodArgumentNotValidException invalid) {
            addBindingErrors(violations, invalid.getBindingResult(), invalid.getBindingResult().getTarget(),
                    invalid.getParameter());
        } else if (error instanceof WebExchangeBindException invalid) {
            addBindingErrors(violations, invalid, invalid.getTarget(), invalid.getMethodParameter());
        } else if (error instanceof HandlerMethodValidationException invalid) {
            for (ParameterValidationResult result : invalid.getParameterValidationResults()) {
                if (result instanceof ParameterErrors errors) {
                    addBindingErrors(violations, errors, errors.getArgument(), errors.getMethodParameter());
                } else {
                    String pointer = pointerTo(result.getMethodParameter(), null, containerToken(result));
                    for (MessageSourceResolvable message : result.getResolvableErrors()) {
                        violations.add(new Violation(pointer, String.valueOf(message.getDefaultMessage())));
                    }
                }
            }
        } else if (error instanceof MethodArgumentTypeMismatchException mismatch) {
            violations.add(new Violation(pointerTo(mismatch.getParameter(), mismatch.getName(), null),
                    mustBe(mismatch.getRequiredType())));
        } else if (error instanceof MissingRequestValueException missing) {
            violations.add(new Violation(pointerTo(missing.getMethodParameter(), missing.getName(), null), REQUIRED));
        } else if (error instanceof ServerWebInputException input && input.getMethodParameter() != null
                && input.getCause() instanceof TypeMismatchException mismatch) {
            violations.add(new Violation(pointerTo(input.getMethodParameter(), null, null),
                    mustBe(mismatch.getRequiredType())));
        } else if (isUnreadableBody(error)) {
            MismatchedInputException mismatch = causeOf(error, MismatchedInputException.class);
            // JSON of the wrong shape (a member, or the whole body: `null`, `[]`) is invalid input; a body with no
            // JSON value at all (empty, blank) has no token and stays a malformed body.
            if (mismatch != null && (!mismatch.getPath().isEmpty() || readAValue(mismatch))) {
                violations.add(new Violation(RequestPointer.BODY.to(tokens(mismatch)), whatIsWrong(mismatch)));
            }
            // A value its type refused to be made from: an enum's @JsonCreator (generated models) throws for "root".
            ValueInstantiationException refused = causeOf(error, ValueInstantiationException.class);
            if (mismatch == null && refused != null && !refused.getPath().isEmpty()) {
                violations.add(new Violation(RequestPointer.BODY.to(tokens(refused)),
                        mustBe(refused.getType() == null ? null : refused.getType().getRawClass())));
            }
        }
        return violations;
    }

    private void addBindingErrors(List<Violation> violations, Errors errors, @Nullable Object target,
                                  @Nullable MethodParameter parameter) {
        boolean inBody = parameter != null && parameter.hasParameterAnnotation(RequestBody.class);
        for (FieldError field : errors.getFieldErrors()) {
            // Query objects are bound by Java property name, so only body paths need translating to JSON names.
            String pointer = inBody && target != null
                    ? RequestPointer.BODY.to(bodyPaths.tokens(target.getClass(), field.getField()))
                    : RequestPointer.QUERY.to(field.getField());
            violations.add(new Violation(pointer, String.valueOf(field.getDefaultMessage())));
        }
        for (ObjectError global : errors.getGlobalErrors()) {
            String pointer = inBody ? RequestPointer.BODY.to() : RequestPointer.QUERY.to();
            violations.add(new Violation(pointer, String.valueOf(global.getDefaultMessage())));
        }
    }

    /** Where a handler parameter's value came from: {@code /path/id}, {@code /header/x-request-id}, ... */
    private static String pointerTo(MethodParameter parameter, @Nullable String name, @Nullable String containerToken) {
        List<String> tokens = new ArrayList<>();
        RequestPointer section = RequestPointer.BODY;
        if (!parameter.hasParameterAnnotation(RequestBody.class)) {
            section = RequestPointer.QUERY;
            String declaredName = "";
            MergedAnnotations annotations = MergedAnnotations.from(parameter.getParameterAnnotations());
            for (Map.Entry<Class<? extends Annotation>, RequestPointer> candidate : SECTION_BY_ANNOTATION.entrySet()) {
                MergedAnnotation<?> annotation = annotations.get(candidate.getKey());
                if (annotation.isPresent()) {
                    section = candidate.getValue();
                    declaredName = annotation.getString("name");
                }
            }
            tokens.add(name != null ? name : declaredName.isEmpty() ? parameter.getParameterName() : declaredName);
        }
        // Elements of a list are pointed at inside the body only: a query, path or header pointer names the
        // parameter (contracts/schemas/problem.schema.json).
        if (containerToken != null && section == RequestPointer.BODY) {
            tokens.add(containerToken);
        }
        return section.to(tokens);
    }

    private static @Nullable String containerToken(ParameterValidationResult result) {
        if (result.getContainerIndex() != null) {
            return result.getContainerIndex().toString();
        }
        return result.getContainerKey() != null ? result.getContainerKey().toString() : null;
    }

    private static boolean isUnreadableBody(Throwable error) {
        if (error instanceof HttpMessageNotReadableException) {
            return true;
        }
        // WebFlux reports an unreadable or missing body as a ServerWebInputException on the @RequestBody parameter.
        return error instanceof ServerWebInputException input && input.getMethodParameter() != null
                && (input.getMethodParameter().hasParameterAnnotation(RequestBody.class)
                || causeOf(error, DecodingException.class) != null);
    }

    private static List<String> tokens(DatabindException error) {
        return error.getPath().stream()
                .map(step -> step.getPropertyName() != null ? step.getPropertyName() : String.valueOf(step.getIndex()))
                .toList();
    }

    private static boolean readAValue(MismatchedInputException mismatch) {
        return mismatch.getCurrentToken() != null
                || mismatch.processor() instanceof JsonParser parser && parser.currentToken() != null;
    }

    private static String whatIsWrong(MismatchedInputException mismatch) {
        if (mismatch instanceof UnrecognizedPropertyException) {
            return "is not a member of this object";
        }
        if (mismatch instanceof InvalidNullException && mismatch.getPath().size() > 0) {
            return "must not be null";
        }
        return mustBe(mismatch.getTargetType());
    }

    /** "must be an integer", "must be one of [ADMIN, USER]": the expected JSON or text form of a type. */
    public static String mustBe(@Nullable Class<?> type) {
        if (type == null) {
            return "has an invalid value";
        }
        Class<?> boxed = ClassUtils.resolvePrimitiveIfNecessary(type);
        String expected;
        if (boxed.isEnum()) {
            expected = "one of " + Arrays.toString(boxed.getEnumConstants());
        } else if (boxed == Integer.class || boxed == Long.class || boxed == Short.class || boxed == Byte.class
                || boxed == BigInteger.class) {
            expected = "an integer";
        } else if (Number.class.isAssignableFrom(boxed)) {
            expected = "a number";
        } else if (boxed == Boolean.class) {
            expected = "true or false";
        } else if (CharSequence.class.isAssignableFrom(boxed) || boxed == Character.class) {
            expected = "a string";
        } else if (boxed == UUID.class) {
            expected = "a UUID";
        } else if (boxed == LocalDate.class) {
            expected = "a date (YYYY-MM-DD)";
        } else if (Temporal.class.isAssignableFrom(boxed)) {
            expected = "an RFC 3339 date-time";
        } else if (boxed.isArray() || Collection.class.isAssignableFrom(boxed)) {
            expected = "an array";
        } else {
            expected = "an object";
        }
        return "must be " + expected;
    }

    private static <T extends Throwable> @Nullable T causeOf(Throwable error, Class<T> type) {
        for (Throwable current = error; current != null; current = current.getCause()) {
            if (type.isInstance(current)) {
                return type.cast(current);
            }
        }
        return null;
    }
}
