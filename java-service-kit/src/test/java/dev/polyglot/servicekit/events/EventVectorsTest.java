package dev.polyglot.servicekit.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.polyglot.contracts.EventType;
import dev.polyglot.contracts.EventTypes;
import dev.polyglot.servicekit.contract.ContractJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every shared vector of contracts/events/examples, through the schemas and through the backbone's own typed decoding
 * (an {@link EventHandlers} with a handler for every event type of the contracts, as a consumer runs it):
 *
 * <ul>
 *   <li>a valid vector passes the envelope and payload schemas, survives a round trip through {@link CloudEvent}
 *       unchanged, and reaches its handler as its generated payload class, which writes back the same JSON;</li>
 *   <li>an invalid vector fails the schemas and is refused by the decoding: an {@code envelope-*} one by
 *       {@link CloudEvent#parse}, any other by the dispatcher (its {@code data} breaks the payload contract), each
 *       with an {@link InvalidCloudEventException} that makes the consumer dead-letter it at once. (A missing or
 *       unreadable traceparent is a valid vector: the contract adopts W3C Trace Context's rule for a receiver, a new
 *       trace.)</li>
 * </ul>
 * New vectors are picked up without code changes.
 */
class EventVectorsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final Path events = eventsContracts();
    private final Schema envelope = schema(events.resolve("cloudevent.schema.json"));
    private final List<TypedEvent<?>> handled = new ArrayList<>();
    private final EventHandlers everyType = everyType(handled);

    @TestFactory
    Stream<DynamicTest> validVectorsPassTheSchemasRoundTripAndDecodeIntoTheirPayloadClass() {
        return vectors("valid").map(vector -> DynamicTest.dynamicTest(name(vector), () -> {
            String text = Files.readString(vector);
            assertThat(violations(JSON.readTree(text))).as(vector.toString()).isEmpty();
            assertThat(payloadSchema(JSON.readTree(text))).as("a payload schema for the type of " + vector).isRegularFile();

            CloudEvent event = CloudEvent.parse(text);
            assertThat(JSON.readTree(event.toJsonText())).as(vector.toString()).isEqualTo(JSON.readTree(text));

            handled.clear();
            everyType.handle(event);
            assertThat(handled).hasSize(1);
            Object payload = handled.get(0).payload();
            assertThat(payload).isInstanceOf(EventTypes.byType(event.type()).orElseThrow().payloadClass());
            assertThat(ContractJson.strict().read(ContractJson.strict().toTree(payload), payload.getClass()))
                    .as("written back and read again").isEqualTo(payload);
            assertThat(ContractJson.strict().toTree(payload).propertyNames())
                    .as("the same members").containsExactlyInAnyOrderElementsOf(event.data().propertyNames());
        }));
    }

    @TestFactory
    Stream<DynamicTest> invalidVectorsFailTheSchemasAndTheDecoding() {
        return vectors("invalid").map(vector -> DynamicTest.dynamicTest(name(vector), () -> {
            String text = Files.readString(vector);
            assertThat(violations(JSON.readTree(text))).as(vector.toString()).isNotEmpty();
            String name = vector.getFileName().toString();
            if (name.startsWith("envelope-")) {
                assertThat(envelope.validate(JSON.readTree(text))).as("the envelope schema refuses it").isNotEmpty();
                assertThatThrownBy(() -> CloudEvent.parse(text)).as(vector.toString())
                        .isInstanceOf(InvalidCloudEventException.class);
            } else {
                assertThat(envelope.validate(JSON.readTree(text))).as("only the payload is wrong").isEmpty();
                CloudEvent event = CloudEvent.parse(text);
                handled.clear();
                assertThatThrownBy(() -> everyType.handle(event)).as(vector.toString())
                        .isInstanceOfSatisfying(InvalidCloudEventException.class,
                                refused -> assertThat(refused.attribute()).isEqualTo("data"));
                assertThat(handled).as("no handler saw it").isEmpty();
            }
        }));
    }

    @Test
    void thereAreVectorsOfBothKinds() {
        assertThat(vectors("valid")).isNotEmpty();
        assertThat(vectors("invalid")).isNotEmpty();
    }

    private static EventHandlers everyType(List<TypedEvent<?>> handled) {
        EventHandlers.Builder builder = EventHandlers.builder();
        for (EventType<?> type : EventTypes.ALL) {
            builder.on(type, handled::add);
        }
        return builder.build();
    }

    /** Envelope violations plus, when the type has a payload schema, violations of {@code data}. */
    private List<Error> violations(JsonNode event) {
        List<Error> errors = new ArrayList<>(envelope.validate(event));
        Path payloadSchema = payloadSchema(event);
        if (event instanceof ObjectNode && Files.isRegularFile(payloadSchema)) {
            errors.addAll(schema(payloadSchema).validate(event.path("data")));
        }
        return errors;
    }

    private Path payloadSchema(JsonNode event) {
        return events.resolve("schemas").resolve(event.path("type").asString("") + ".schema.json");
    }

    private Stream<Path> vectors(String kind) {
        try (Stream<Path> files = Files.walk(events.resolve("examples"))) {
            return files.filter(file -> file.toString().endsWith(".json"))
                    .filter(file -> file.getParent().getFileName().toString().equals(kind))
                    .sorted().toList().stream();
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    private String name(Path vector) {
        return events.resolve("examples").relativize(vector).toString();
    }

    private static Schema schema(Path file) {
        try {
            return SCHEMAS.getSchema(Files.readString(file), InputFormat.JSON);
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    /** contracts/events of the repository, found upwards from the working directory. */
    private static Path eventsContracts() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("contracts")) && Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir.resolve("contracts").resolve("events");
            }
        }
        throw new IllegalStateException("no repository root (a folder with mvnw and contracts/) above "
                + Path.of("").toAbsolutePath());
    }
}
