package dev.polyglot.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The constants ./platform generate writes from the AsyncAPI document and the problem types agree with the schemas
 * and with the classes jsonschema2pojo generates from them in the same build.
 */
class GeneratedConstantsTest {

    private static final Path CONTRACTS = Path.of(System.getProperty("contracts.dir", "../.."));

    @Test
    void everyEventSchemaHasAnEventTypeWhosePayloadClassIsTheGeneratedOne() throws IOException {
        Set<String> schemas;
        try (Stream<Path> files = Files.list(CONTRACTS.resolve("events/schemas"))) {
            schemas = files.map(f -> f.getFileName().toString().replace(".schema.json", "")).collect(Collectors.toSet());
        }
        assertThat(EventTypes.ALL).extracting(EventType::type).containsExactlyInAnyOrderElementsOf(schemas);
        for (EventType<?> type : EventTypes.ALL) {
            assertThat(type.payloadClass().getPackageName()).isEqualTo("dev.polyglot.contracts.events");
            assertThat(EventTypes.of(type.payloadClass())).isSameAs(type);
            assertThat(EventTypes.byType(type.type())).containsSame(type);
            assertThat(type.dataschema()).endsWith("/" + type.type() + ".json");
            assertThat(Streams.RETENTION).containsKey(type.stream());
        }
    }

    @Test
    void jobRequestsGoToTheirWorkQueuesAndEverythingElseToPlatformEvents() {
        assertThat(EventTypes.INFERENCE_JOB_REQUESTED.stream()).isEqualTo(Streams.INFERENCE_JOBS);
        assertThat(EventTypes.REPORT_REQUESTED.stream()).isEqualTo(Streams.REPORTING_JOBS);
        assertThat(EventTypes.USER_REGISTERED.stream()).isEqualTo(Streams.PLATFORM_EVENTS);
        assertThat(Streams.DEAD_LETTER).containsEntry(Streams.PLATFORM_EVENTS, "platform.events.dlq");
        assertThat(Streams.RETENTION).containsEntry(Streams.PLATFORM_EVENTS, 100_000).containsEntry("inference.jobs.dlq", 10_000);
    }

    @Test
    void aClassThatIsNoPayloadHasNoEventType() {
        assertThatThrownBy(() -> EventTypes.of(String.class)).isInstanceOf(IllegalArgumentException.class);
        assertThat(EventTypes.byType("user.renamed")).isEmpty();
    }

    @Test
    void problemTypesAreRelativeUrisWithAFallbackForEveryStatus() {
        assertThat(ProblemType.VALIDATION_ERROR.uri().toString()).isEqualTo("/problems/validation-error");
        assertThat(ProblemType.forStatus(404)).isEqualTo(ProblemType.NOT_FOUND);
        assertThat(ProblemType.forStatus(422)).isEqualTo(ProblemType.VALIDATION_ERROR);
        assertThat(ProblemType.forStatus(418)).isEqualTo(ProblemType.BAD_REQUEST);
        assertThat(ProblemType.forStatus(507)).isEqualTo(ProblemType.INTERNAL_ERROR);
        assertThat(ProblemType.byName("report-not-ready")).contains(ProblemType.REPORT_NOT_READY);
        for (ProblemType type : ProblemType.values()) {
            assertThat(type.uri().toString()).matches("/problems/[a-z0-9]+(-[a-z0-9]+)*");
            assertThat(type.status()).isBetween(400, 599);
        }
    }

    @Test
    void closeCodesOfTheWebSocket() {
        assertThat(CloseCode.NOTIFICATIONS_PATH).isEqualTo("/ws/notifications");
        assertThat(CloseCode.BAD_TICKET.code()).isEqualTo(4401);
        assertThat(CloseCode.SLOW_CONSUMER.code()).isEqualTo(4429);
    }
}
