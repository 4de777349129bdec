package dev.polyglot.contracts.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Every WebSocket frame example of the AsyncAPI document deserialises, with Jackson 3, into the class generated from
 * its frame schema, passes Bean Validation, and serialises back to the same JSON.
 */
class GeneratedFramesTest {

    private static final Path CONTRACTS = Path.of(System.getProperty("contracts.dir", "../.."));
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final Map<String, Class<?>> FRAME_CLASSES = Map.of(
            "hello", HelloFrame.class, "subscribe", SubscribeFrame.class, "subscribed", SubscribedFrame.class,
            "unsubscribe", UnsubscribeFrame.class, "unsubscribed", UnsubscribedFrame.class, "event", EventFrame.class,
            "ack", AckFrame.class, "ping", PingFrame.class, "pong", PongFrame.class, "error", ErrorFrame.class);

    record Example(String frame, JsonNode payload) {
        @Override
        public String toString() {
            return frame;
        }
    }

    static List<Example> examples() {
        JsonNode document = new YAMLMapper().readTree(CONTRACTS.resolve("asyncapi/platform.asyncapi.yaml").toFile());
        List<Example> examples = new ArrayList<>();
        for (JsonNode message : document.get("components").get("messages")) {
            String ref = message.path("payload").path("$ref").asString("");
            if (ref.startsWith("../websocket/schemas/")) {
                for (JsonNode example : message.get("examples")) {
                    examples.add(new Example(message.get("name").asString(), example.get("payload")));
                }
            }
        }
        assertThat(examples).extracting(Example::frame).containsAll(FRAME_CLASSES.keySet());
        return examples;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void everyFrameExampleReadsIntoItsClassAndBack(Example example) {
        Object frame = JSON.treeToValue(example.payload(), FRAME_CLASSES.get(example.frame()));
        try (var factory = Validation.buildDefaultValidatorFactory()) {
            Validator validator = factory.getValidator();
            assertThat(validator.validate(frame)).isEmpty();
        }
        assertThat(JSON.valueToTree(frame).equals(example.payload())).as(JSON.valueToTree(frame).toString()).isTrue();
    }
}
