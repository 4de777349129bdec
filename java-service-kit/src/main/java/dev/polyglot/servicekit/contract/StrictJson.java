package dev.polyglot.servicekit.contract;

import java.time.temporal.Temporal;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.PropertyName;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.bean.BeanDeserializerBase;
import tools.jackson.databind.deser.std.DelegatingDeserializer;
import tools.jackson.databind.exc.InvalidNullException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * JSON read as strictly as the contracts' schemas: every schema of the platform says {@code additionalProperties:
 * false}, types its members exactly and allows {@code null} nowhere, while Jackson's defaults are lenient in each of
 * these ways. One set of rules for everything a Java service reads against a contract: request bodies
 * ({@link #forRequestBodies}, the message converter of Spring MVC and the decoder of WebFlux) and the generated event
 * and frame classes ({@link ContractJson}).
 * <ul>
 *   <li>an unknown member is refused, not skipped, and so is a repeated one;</li>
 *   <li>no coercion between JSON types: {@code "role": 0} is not the first enum constant, {@code false} and
 *       {@code 7} are not strings, {@code "12"} or {@code 1.5} is not an integer, {@code ""} is not an absent
 *       date-time, and a number is no date-time or date (java.time's readers take one for seconds since 1970,
 *       whatever the coercion settings);</li>
 *   <li>a body that is JSON {@code null} where an object is expected is JSON, but not the object the schema describes
 *       (422, not a 400 "missing body"). An explicit {@code null} member is refused too, by each reader: the
 *       generated request models say so per member ({@code @JsonSetter(nulls = FAIL)}, openapi-generator), and
 *       {@link ContractJson} for every member of the event and frame classes. (Not here for all: a record's absent
 *       member reaches its constructor as null, and would be refused before Bean Validation names every problem.)</li>
 * </ul>
 * What a service reads from elsewhere (its own Redis keys, say) keeps the application's mapper.
 */
public final class StrictJson {

    private StrictJson() {
    }

    /** The application's mapper (naming, modules) with the rules above, for request bodies. */
    public static JsonMapper forRequestBodies(JsonMapper applicationMapper) {
        return strict(applicationMapper.rebuild())
                .addModule(new SimpleModule("null-is-not-an-object").setDeserializerModifier(new NullIsNotAnObject()))
                .addModule(new SimpleModule("date-times-are-strings").setDeserializerModifier(new TimeIsAString()))
                .build();
    }

    /** {@code builder} with the rules above. */
    public static JsonMapper.Builder strict(JsonMapper.Builder builder) {
        return builder
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .withCoercionConfigDefaults(coercion -> coercion
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.EmptyArray, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.EmptyObject, CoercionAction.Fail))
                // An integer is a number: 8421 is a valid value of a `number` member, read into a double.
                .withCoercionConfig(LogicalType.Float, numbers -> numbers
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert))
                // A string stays a string: the defaults above would refuse "" and "x" for String members too.
                .withCoercionConfig(LogicalType.Textual, coercion -> coercion
                        .setCoercion(CoercionInputShape.String, CoercionAction.TryConvert)
                        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.TryConvert));
    }

    /** Wraps each java.time deserializer so that only a JSON string is read as a date-time or date. */
    private static final class TimeIsAString extends ValueDeserializerModifier {

        @Override
        public ValueDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription.Supplier description,
                                                      ValueDeserializer<?> deserializer) {
            return Temporal.class.isAssignableFrom(description.getBeanClass()) ? new StringOnly(deserializer)
                    : deserializer;
        }
    }

    private static final class StringOnly extends DelegatingDeserializer {

        StringOnly(ValueDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> newDelegatee) {
            return new StringOnly(newDelegatee);
        }

        @Override
        public Object deserialize(JsonParser parser, DeserializationContext context) {
            if (!parser.hasToken(JsonToken.VALUE_STRING)) {
                return context.handleUnexpectedToken(handledType(), parser);
            }
            return super.deserialize(parser, context);
        }
    }

    /** Wraps each object's deserializer so that JSON {@code null} in its place fails as an invalid null. */
    private static final class NullIsNotAnObject extends ValueDeserializerModifier {

        @Override
        public ValueDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription.Supplier description,
                                                      ValueDeserializer<?> deserializer) {
            return deserializer instanceof BeanDeserializerBase ? new NullRefusing(deserializer) : deserializer;
        }
    }

    private static final class NullRefusing extends DelegatingDeserializer {

        NullRefusing(ValueDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> newDelegatee) {
            return new NullRefusing(newDelegatee);
        }

        @Override
        public Object getNullValue(DeserializationContext context) {
            throw InvalidNullException.from(context, PropertyName.NO_NAME, context.constructType(handledType()));
        }

        @Override
        public Object getAbsentValue(DeserializationContext context) {
            return _delegatee.getAbsentValue(context); // a member left out is Bean Validation's to judge
        }
    }
}
