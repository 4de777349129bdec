package dev.polyglot.servicekit.web;

import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
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
 * The JSON reader of request bodies: the application's mapper (naming, modules) made as strict as the contracts.
 * Every request schema of the platform says {@code additionalProperties: false}, types its members exactly and
 * allows {@code null} nowhere, while Jackson's defaults are lenient in each of these ways:
 * <ul>
 *   <li>an unknown member is refused, not skipped;</li>
 *   <li>no coercion between JSON types: {@code "role": 0} is not the first enum constant, {@code false} and
 *       {@code 7} are not strings, {@code "12"} is not a number, {@code ""} is not an absent date-time;</li>
 *   <li>a body, or a member, that is JSON {@code null} where an object is expected is refused: a body of
 *       {@code null} is JSON, but not the object the schema describes (422, not a 400 "missing body").</li>
 * </ul>
 * Only request bodies are read with it (the message converter of Spring MVC, the decoder of WebFlux): what a
 * service reads from Redis or elsewhere keeps the application's mapper.
 */
public final class StrictJson {

    private StrictJson() {
    }

    public static JsonMapper forRequestBodies(JsonMapper applicationMapper) {
        return applicationMapper.rebuild()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .withCoercionConfigDefaults(coercion -> coercion
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.EmptyArray, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.EmptyObject, CoercionAction.Fail))
                // A string stays a string: the defaults above would refuse "" and "x" for String members too.
                .withCoercionConfig(LogicalType.Textual, coercion -> coercion
                        .setCoercion(CoercionInputShape.String, CoercionAction.TryConvert)
                        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.TryConvert))
                .addModule(new SimpleModule("null-is-not-an-object").setDeserializerModifier(new NullIsNotAnObject()))
                .build();
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
