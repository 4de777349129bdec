package dev.polyglot.servicekit.problem;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.ResolvableType;
import org.springframework.util.ReflectionUtils;
import tools.jackson.databind.PropertyNamingStrategy;
import tools.jackson.databind.cfg.MapperConfig;

/**
 * Translates a Java property path, as Bean Validation and Spring data binding report it
 * ({@code shippingAddress.postCode}, {@code items[2].unitPrice}), into the tokens of the JSON document
 * the client sent ({@code shipping_address/post_code}, {@code items/2/unit_price}).
 *
 * <p>Field errors name Java properties while clients only know the JSON names, which differ as soon as a
 * naming strategy (the platform uses snake_case) or {@code @JsonProperty} is involved.
 */
public final class JsonPropertyPath {

    private static final Pattern SEGMENT = Pattern.compile("([^.\\[\\]]+)|\\[([^\\]]*)\\]");

    private final MapperConfig<?> mapperConfig;

    public JsonPropertyPath(MapperConfig<?> mapperConfig) {
        this.mapperConfig = mapperConfig;
    }

    public List<String> tokens(Class<?> rootType, String propertyPath) {
        List<String> tokens = new ArrayList<>();
        ResolvableType current = ResolvableType.forClass(rootType);
        Matcher segment = SEGMENT.matcher(propertyPath);
        while (segment.find()) {
            String property = segment.group(1);
            if (property != null) {
                Field field = current.resolve() == null ? null : ReflectionUtils.findField(current.resolve(), property);
                tokens.add(jsonName(field, property));
                current = field == null ? ResolvableType.NONE : ResolvableType.forField(field, current);
            } else {
                tokens.add(segment.group(2));
                current = elementType(current);
            }
        }
        return tokens;
    }

    private String jsonName(Field field, String property) {
        JsonProperty explicit = field == null ? null : field.getAnnotation(JsonProperty.class);
        if (explicit != null && !explicit.value().isEmpty()) {
            return explicit.value();
        }
        PropertyNamingStrategy naming = mapperConfig.getPropertyNamingStrategy();
        return naming == null ? property : naming.nameForField(mapperConfig, null, property);
    }

    private static ResolvableType elementType(ResolvableType container) {
        if (container.isArray()) {
            return container.getComponentType();
        }
        if (Map.class.isAssignableFrom(container.toClass())) {
            return container.asMap().getGeneric(1);
        }
        if (Iterable.class.isAssignableFrom(container.toClass())) {
            return container.as(Iterable.class).getGeneric(0);
        }
        return ResolvableType.NONE;
    }
}
