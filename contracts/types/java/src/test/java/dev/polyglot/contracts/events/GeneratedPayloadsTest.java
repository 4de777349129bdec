package dev.polyglot.contracts.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every valid vector of contracts/events/examples deserialises, with Jackson 3, into the class generated from
 * its type's schema, and serialises back with the same (snake_case) members and equal values.
 */
class GeneratedPayloadsTest {

    private static final Path CONTRACTS = Path.of(System.getProperty("contracts.dir", "../.."));
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    record Vector(String type, Path file) {
        @Override
        public String toString() {
            return type + "/" + file.getFileName();
        }
    }

    static List<Vector> validVectors() throws IOException {
        List<Vector> vectors = new ArrayList<>();
        try (Stream<Path> types = Files.list(CONTRACTS.resolve("events/examples"))) {
            for (Path typeDir : types.sorted().toList()) {
                try (Stream<Path> files = Files.list(typeDir.resolve("valid"))) {
                    files.sorted().forEach(f -> vectors.add(new Vector(typeDir.getFileName().toString(), f)));
                }
            }
        }
        assertThat(vectors).hasSizeGreaterThanOrEqualTo(22);
        return vectors;
    }

    static Class<?> payloadClass(String type) throws Exception {
        JsonNode schema = MAPPER.readTree(CONTRACTS.resolve("events/schemas/" + type + ".schema.json").toFile());
        return Class.forName("dev.polyglot.contracts.events." + schema.get("title").asString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validVectors")
    void validDataDeserialisesIntoTheGeneratedClassAndBack(Vector vector) throws Exception {
        JsonNode data = MAPPER.readTree(vector.file().toFile()).get("data");
        Class<?> type = payloadClass(vector.type());

        Object payload = MAPPER.treeToValue(data, type);
        JsonNode written = MAPPER.valueToTree(payload);

        assertThat(names(written)).isEqualTo(names(data));
        assertThat(MAPPER.treeToValue(written, type)).isEqualTo(payload);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validVectors")
    void aCamelCaseMemberIsRejected(Vector vector) throws Exception {
        JsonNode data = MAPPER.readTree(vector.file().toFile()).get("data");
        String snake = data.propertyNames().stream().filter(n -> n.contains("_")).findFirst().orElseThrow();
        String camel = snake.substring(0, snake.indexOf('_')) + Character.toUpperCase(snake.charAt(snake.indexOf('_') + 1))
                + snake.substring(snake.indexOf('_') + 2);
        String renamed = data.toString().replace("\"" + snake + "\"", "\"" + camel + "\"");

        assertThatThrownBy(() -> MAPPER.readValue(renamed, payloadClass(vector.type())))
                .isInstanceOf(UnrecognizedPropertyException.class);
    }

    private static Set<String> names(JsonNode node) {
        return new TreeSet<>(node.propertyNames());
    }
}
