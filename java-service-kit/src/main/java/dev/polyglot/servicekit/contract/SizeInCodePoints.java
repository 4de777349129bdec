package dev.polyglot.servicekit.contract;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.constraints.Size;
import java.lang.reflect.Array;
import java.util.Collection;
import java.util.Map;
import org.hibernate.validator.HibernateValidatorConfiguration;
import org.hibernate.validator.cfg.ConstraintMapping;

/**
 * {@link Size} as JSON Schema means it, for {@link ContractJson} and for every Java service's Bean Validation (the
 * generated request models carry the contract's lengths as {@code @Size}): a string's {@code minLength}/{@code maxLength}
 * count Unicode code points, while Bean Validation's own validator counts UTF-16 chars (an emoji is one character to
 * the schema and to Python, two chars to Java). Collections, maps and arrays count their elements, as before.
 */
public final class SizeInCodePoints implements ConstraintValidator<Size, Object> {

    /** Makes {@code configuration} judge every {@code @Size} with this validator instead of Hibernate's own. */
    public static void replaceSize(HibernateValidatorConfiguration configuration) {
        ConstraintMapping mapping = configuration.createConstraintMapping();
        mapping.constraintDefinition(Size.class).includeExistingValidators(false).validatedBy(SizeInCodePoints.class);
        configuration.addMapping(mapping);
    }

    private int min;
    private int max;

    @Override
    public void initialize(Size size) {
        this.min = size.min();
        this.max = size.max();
    }

    @Override
    public boolean isValid(Object value, ConstraintValidatorContext context) {
        if (value == null) {
            return true; // @NotNull's business
        }
        int size;
        if (value instanceof CharSequence text) {
            size = Character.codePointCount(text, 0, text.length());
        } else if (value instanceof Collection<?> collection) {
            size = collection.size();
        } else if (value instanceof Map<?, ?> map) {
            size = map.size();
        } else if (value.getClass().isArray()) {
            size = Array.getLength(value);
        } else {
            throw new IllegalArgumentException("@Size on a " + value.getClass().getName());
        }
        return size >= min && size <= max;
    }
}
