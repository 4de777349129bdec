package dev.polyglot.servicekit.web;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.constraints.Size;

/**
 * {@code @Size} on text counted as JSON Schema counts {@code minLength}/{@code maxLength}: in characters (code points),
 * not in Java's UTF-16 units. Generated models carry the contract's lengths as {@code @Size}; with Hibernate's own
 * validator a name of 100 emoji (100 characters, valid by the contract) would count 200 and be refused.
 */
public class CodePointSizeValidator implements ConstraintValidator<Size, CharSequence> {

    private int min;
    private int max;

    @Override
    public void initialize(Size size) {
        this.min = size.min();
        this.max = size.max();
    }

    @Override
    public boolean isValid(CharSequence value, ConstraintValidatorContext context) {
        if (value == null) {
            return true; // @NotNull's to judge
        }
        long length = value.codePoints().count();
        return length >= min && length <= max;
    }
}
