package dev.polyglot.servicekit.contract;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import dev.polyglot.servicekit.problem.JsonPropertyPath;
import dev.polyglot.servicekit.problem.ProblemFactory;
import dev.polyglot.servicekit.problem.Violation;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.HibernateValidatorConfiguration;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.exc.InvalidNullException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.StdSerializer;

/**
 * Reads and writes the classes generated from contracts/ (event payloads, WebSocket frames) as strictly as their JSON
 * Schemas accept them, so that Java never accepts what the contract (and the Python side) refuses:
 *
 * <ul>
 *   <li>{@link StrictJson}'s rules, the same as for request bodies: unknown and repeated members and any coercion
 *       between JSON types are refused; so are explicit nulls (no schema allows null: an absent member is omitted);</li>
 *   <li>ids are lower-case UUIDs, timestamps RFC 3339 in UTC with a {@code Z} (written with six fraction digits, see
 *       {@link UtcTimestamp}), dates {@code YYYY-MM-DD}: the patterns
 *       the schemas put on these members, which jsonschema2pojo cannot carry over once it types them as
 *       {@link UUID}, {@link Instant} and {@link LocalDate};</li>
 *   <li>then Jakarta Bean Validation: the constraints jsonschema2pojo generated from {@code required},
 *       {@code minimum}, {@code maxLength}, {@code pattern}, {@code minItems}..., with string lengths counted in code
 *       points as JSON Schema counts them ({@link SizeInCodePoints});</li>
 * </ul>
 *
 * Writing validates first, so that nothing the contract refuses is ever sent. Failures are
 * {@link ContractViolationException}s naming every offending member by its JSON Pointer.
 *
 * <p>It has its own mapper, not Boot's: the generated classes carry their snake_case names, and Boot's mapper is
 * deliberately lenient (unknown properties ignored) for the services' other JSON.
 */
public final class ContractJson {

    private static final Pattern LOWER_CASE_UUID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern UTC_DATE_TIME =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Set<Class<?>> PATTERN_SCALARS = Set.of(UUID.class, Instant.class, LocalDate.class);
    // After the patterns: the constructor uses them.
    private static final ContractJson STRICT = new ContractJson();

    private final JsonMapper mapper;
    private final Validator validator;
    private final JsonPropertyPath jsonNames;

    private ContractJson() {
        SimpleModule contractScalars = new SimpleModule("contract-scalars")
                .addDeserializer(UUID.class, new PatternScalar<>(UUID.class, LOWER_CASE_UUID, "a lower-case UUID",
                        UUID::fromString))
                .addDeserializer(Instant.class, new PatternScalar<>(Instant.class, UTC_DATE_TIME,
                        "an RFC 3339 date-time in UTC ending in Z", Instant::parse))
                .addDeserializer(LocalDate.class, new PatternScalar<>(LocalDate.class, DATE, "a date (YYYY-MM-DD)",
                        LocalDate::parse))
                .addSerializer(Instant.class, new UtcTimestamp());
        this.mapper = StrictJson.strict(JsonMapper.builder())
                // The generated classes have setters: an absent member is never set, an explicit null always refused.
                .changeDefaultNullHandling(ignored -> JsonSetter.Value.forValueNulls(Nulls.FAIL, Nulls.FAIL))
                .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
                .addModule(contractScalars)
                .build();
        HibernateValidatorConfiguration validation = Validation.byProvider(HibernateValidator.class).configure();
        SizeInCodePoints.replaceSize(validation);
        this.validator = validation.buildValidatorFactory().getValidator();
        this.jsonNames = new JsonPropertyPath(mapper.deserializationConfig());
    }

    /** The one instance: it holds no state beyond its configuration. */
    public static ContractJson strict() {
        return STRICT;
    }

    /** {@code json} as a {@code type}, checked as described above. */
    public <T> T read(JsonNode json, Class<T> type) {
        T value;
        try {
            value = mapper.treeToValue(json, type);
        } catch (JacksonException unreadable) {
            throw new ContractViolationException(type, List.of(violationOf(unreadable)), unreadable);
        }
        if (value == null) {
            throw new ContractViolationException(type, List.of(new Violation("", "must be an object")), null);
        }
        requireValid(value);
        return value;
    }

    /** The JSON text {@code text} as a {@code type}, checked as described above. */
    public <T> T read(String text, Class<T> type) {
        JsonNode tree;
        try {
            tree = mapper.readTree(text);
        } catch (JacksonException notJson) {
            throw new ContractViolationException(type,
                    List.of(new Violation("", "not JSON: " + notJson.getOriginalMessage())), notJson);
        }
        return read(tree, type);
    }

    /** {@code value} as a JSON tree, once it is valid. */
    public JsonNode toTree(Object value) {
        requireValid(value);
        return mapper.valueToTree(value);
    }

    /** {@code value} as compact JSON text, once it is valid. */
    public String write(Object value) {
        requireValid(value);
        return mapper.writeValueAsString(value);
    }

    /** What Bean Validation finds wrong with {@code value}, by JSON Pointer, sorted; empty when it is valid. */
    public List<Violation> violations(Object value) {
        List<Violation> found = new ArrayList<>();
        for (ConstraintViolation<Object> violation : validator.validate(value)) {
            List<String> tokens = jsonNames.tokens(value.getClass(), violation.getPropertyPath().toString());
            found.add(new Violation(pointer(tokens), violation.getMessage()));
        }
        found.sort(Comparator.comparing(Violation::pointer).thenComparing(Violation::message));
        return found;
    }

    private void requireValid(Object value) {
        List<Violation> found = violations(value);
        if (!found.isEmpty()) {
            throw new ContractViolationException(value.getClass(), found, null);
        }
    }

    private static Violation violationOf(JacksonException unreadable) {
        List<String> tokens = unreadable.getPath().stream()
                .map(step -> step.getPropertyName() != null ? step.getPropertyName() : String.valueOf(step.getIndex()))
                .toList();
        if (unreadable instanceof UnrecognizedPropertyException) {
            return new Violation(pointer(tokens), "not a member of the contract");
        }
        if (unreadable instanceof InvalidNullException) {
            return new Violation(pointer(tokens), "must not be null (an absent member is omitted)");
        }
        Class<?> target = unreadable instanceof MismatchedInputException mismatch ? mismatch.getTargetType()
                // An enum's generated fromValue() refuses a value it does not know.
                : unreadable instanceof ValueInstantiationException refused ? refused.getType().getRawClass() : null;
        if (target != null && !PATTERN_SCALARS.contains(target)) {
            // Jackson's own wording names Java types; the reader of a contract knows JSON types.
            return new Violation(pointer(tokens), ProblemFactory.mustBe(target));
        }
        return new Violation(pointer(tokens), unreadable.getOriginalMessage());
    }

    /** RFC 6901: "" is the whole document; '~' is escaped before '/'. */
    private static String pointer(List<String> tokens) {
        StringBuilder pointer = new StringBuilder();
        for (String token : tokens) {
            pointer.append('/').append(token.replace("~", "~0").replace("/", "~1"));
        }
        return pointer.toString();
    }

    /**
     * An {@link Instant} as the platform writes timestamps: UTC with a {@code Z} and six fraction digits (nine when it
     * has nanoseconds), as {@code CloudEvent.formatTime} writes an event's {@code time}, so that a time read from an
     * event and written again keeps its text. (Jackson's own writes as few digits as it can: {@code .120Z}.)
     */
    private static final class UtcTimestamp extends StdSerializer<Instant> {

        private static final DateTimeFormatter MICROSECONDS =
                DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
        private static final DateTimeFormatter NANOSECONDS =
                DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

        UtcTimestamp() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator generator, SerializationContext context) {
            generator.writeString((value.getNano() % 1000 == 0 ? MICROSECONDS : NANOSECONDS).format(value));
        }
    }

    /** A scalar read from a JSON string that must match the pattern the schema gives it. */
    private static final class PatternScalar<T> extends StdScalarDeserializer<T> {

        private final Pattern pattern;
        private final String expected;
        private final Function<String, T> parse;

        PatternScalar(Class<T> type, Pattern pattern, String expected, Function<String, T> parse) {
            super(type);
            this.pattern = pattern;
            this.expected = expected;
            this.parse = parse;
        }

        @Override
        public T deserialize(JsonParser parser, DeserializationContext context) {
            if (!parser.hasToken(JsonToken.VALUE_STRING)) {
                return context.reportInputMismatch(this, "must be " + expected + ", as a string");
            }
            String text = parser.getString();
            if (!pattern.matcher(text).matches()) {
                return context.reportInputMismatch(this, "must be " + expected + ", not '" + text + "'");
            }
            try {
                return parse.apply(text);
            } catch (DateTimeParseException | IllegalArgumentException invalid) {
                return context.reportInputMismatch(this, "must be " + expected + ", not '" + text + "'");
            }
        }
    }
}
