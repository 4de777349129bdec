package dev.polyglot.servicekit.contract;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.constraints.Size;
import java.lang.reflect.Array;
import java.util.Collection;
import java.util.Map;

/**
 * {@link Size} as JSON Schema means it, for {@link ContractJson}: a string's {@code minLength}/{@code maxLength}
 * count Unicode code points, while Bean Validation's own validator counts UTF-16 chars (an emoji is one character to
 * the schema and to Python, two chars to Java). Collections, maps and arrays count their elements, as before.
 */
public final class SizeInCodePoints implements ConstraintValidator<Size, Object> {

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
