package dev.polyglot.servicekit.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

class CloudEventTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String VALID = """
            {"specversion":"1.0","id":"6f1c2a52-4b0e-4d0a-9c55-0c4b3a4f2e11","source":"/auth-service",
             "type":"user.registered","subject":"user/42","time":"2026-11-24T17:41:00.123456Z",
             "datacontenttype":"application/json",
             "dataschema":"https://polyglot.dev/schemas/events/user.registered.json",
             "traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01","tracestate":"vendor=1",
             "data":{"user_id":"42","email":"a@example.org"}}""";

    @Test
    void roundTripKeepsEveryAttribute() {
        CloudEvent event = CloudEvent.parse(VALID);

        assertThat(event.traceparent()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(event.tracestate()).isEqualTo("vendor=1");
        assertThat(JSON.readTree(event.toJsonText())).isEqualTo(JSON.readTree(VALID));
    }

    @Test
    void absentAttributesAreOmittedNotNull() {
        CloudEvent event = CloudEvent.parse(VALID.replace("\"subject\":\"user/42\",", "")
                .replace(",\"tracestate\":\"vendor=1\"", ""));

        assertThat(event.toJsonText()).doesNotContain("null").doesNotContain("subject").doesNotContain("tracestate");
    }

    @Test
    void createStampsUuidMicrosecondUtcTimeAndLeavesTheTraceContextToThePublisher() {
        CloudEvent event = CloudEvent.create("/auth-service", "user.registered", null, JSON.createObjectNode());

        assertThat(UUID.fromString(event.id()).toString()).isEqualTo(event.id());
        assertThat(event.time()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z");
        assertThat(Duration.between(event.timestamp(), Instant.now())).isLessThan(Duration.ofSeconds(5));
        assertThat(event.traceparent()).isNull();
        assertThat(event.toJsonText()).doesNotContain("traceparent");
        assertThat(event.datacontenttype()).isEqualTo("application/json");
        assertThat(event.dataschema()).isEqualTo("https://polyglot.dev/schemas/events/user.registered.json");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "malformed   | 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 | not-a-traceparent",
            "all zeros   | 4bf92f3577b34da6a3ce929d0e0e4736                        | 00000000000000000000000000000000"})
    void aBrokenTraceparentIsKeptAsItCameNotRefused(String why, String valid, String broken) {
        // W3C Trace Context: a receiver ignores a traceparent it cannot parse and starts a new trace (EventTracing).
        CloudEvent event = CloudEvent.parse(VALID.replace(valid, broken));

        assertThat(event.traceparent()).contains(broken);
        assertThat(JSON.readTree(event.toJsonText())).isEqualTo(JSON.readTree(VALID.replace(valid, broken)));
    }

    @Test
    void aMissingTraceparentIsNoContextNotAnError() {
        CloudEvent event = CloudEvent.parse(VALID.replace(
                "\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\",", ""));

        assertThat(event.traceparent()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "id not a UUID      | \"id\":\"6f1c2a52-4b0e-4d0a-9c55-0c4b3a4f2e11\" | \"id\":\"42\"                      | id",
            "time not UTC       | 17:41:00.123456Z                             | 17:41:00.123456+01:00             | time",
            "time not a date    | 2026-11-24T17                                | 2026-13-24T17                     | time",
            "specversion absent | \"specversion\":\"1.0\",                       | ''                                | specversion",
            "specversion 0.3    | \"specversion\":\"1.0\"                        | \"specversion\":\"0.3\"           | specversion",
            "source null        | \"source\":\"/auth-service\"                   | \"source\":null                   | source",
            "type not a string  | \"type\":\"user.registered\"                   | \"type\":7                        | type",
            "id upper case      | 6f1c2a52-4b0e                                | 6F1C2A52-4b0e                     | id",
            "source not a name  | \"source\":\"/auth-service\"                   | \"source\":\"auth-service\"       | source",
            "type one word      | \"type\":\"user.registered\"                   | \"type\":\"registered\"           | type",
            "xml content type   | \"application/json\"                         | \"application/xml\"               | datacontenttype",
            "subject null       | \"subject\":\"user/42\"                        | \"subject\":null                  | subject",
            "data not an object | \"data\":{\"user_id\":\"42\",\"email\":\"a@example.org\"} | \"data\":\"x\" | data",
            "unknown attribute  | \"tracestate\"                               | \"partitionkey\":\"42\",\"tracestate\" | partitionkey"})
    void parseNamesTheAttributeAtFault(String why, String valid, String broken, String attribute) {
        String text = VALID.replace(valid, broken);
        assertThat(text).as("test data").isNotEqualTo(VALID);

        assertThatThrownBy(() -> CloudEvent.parse(text))
                .isInstanceOfSatisfying(InvalidCloudEventException.class,
                        invalid -> assertThat(invalid.attribute()).isEqualTo(attribute))
                .hasMessageStartingWith(attribute + ": ");
    }

    @Test
    void notJsonIsRejected() {
        assertThatThrownBy(() -> CloudEvent.parse("{not json")).isInstanceOf(InvalidCloudEventException.class)
                .hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> CloudEvent.parse("[1]")).hasMessage("not a JSON object");
    }
}
