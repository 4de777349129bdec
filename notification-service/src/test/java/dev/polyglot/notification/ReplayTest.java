package dev.polyglot.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.polyglot.notification.support.Api;
import dev.polyglot.notification.support.Events;
import dev.polyglot.notification.support.NotificationServiceTest;
import dev.polyglot.notification.support.ProtocolClient;
import dev.polyglot.notification.support.TestIdentity;
import dev.polyglot.notification.support.TestIdentity.User;
import dev.polyglot.servicekit.events.EventPublisher;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** A client that reconnects with its last event id gets what it missed, then live events, each once. */
@NotificationServiceTest
class ReplayTest {

    @LocalServerPort
    int port;

    @Autowired
    EventPublisher publisher;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    @Test
    void aWebSocketReconnectingWithItsLastEventIdReceivesWhatItMissedInOrderThenLiveEvents() throws Exception {
        User user = TestIdentity.newUser("user");
        String seen;
        try (ProtocolClient socket = api.connect(user)) {
            socket.next("hello");
            seen = Events.jobProgress(publisher, user, 1).id();
            assertThat(socket.next("event").path("id").asString()).isEqualTo(seen);
        }
        List<String> missed = List.of(Events.jobProgress(publisher, user, 2).id(),
                Events.jobProgress(publisher, user, 3).id());
        awaitInHistory(user, missed.get(1));

        try (ProtocolClient socket = api.connect(user, Map.of("last_event_id", seen))) {
            socket.next("hello");
            assertThat(socket.next("event").path("id").asString()).isEqualTo(missed.get(0));
            assertThat(socket.next("event").path("id").asString()).isEqualTo(missed.get(1));
            String live = Events.jobProgress(publisher, user, 4).id();
            assertThat(socket.next("event").path("id").asString()).isEqualTo(live);
            assertThat(socket.collect("event", Duration.ofMillis(500))).isEmpty();
        }
    }

    @Test
    void anSseClientReconnectingWithLastEventIdReceivesWhatItMissedThenLiveEvents() throws Exception {
        User user = TestIdentity.newUser("user");
        String seen = Events.jobProgress(publisher, user, 1).id();
        List<String> missed = List.of(Events.jobProgress(publisher, user, 2).id(),
                Events.jobProgress(publisher, user, 3).id());
        awaitInHistory(user, missed.get(1));

        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        var response = api.send(api.request("/api/notifications/stream", user).header("Last-Event-ID", seen)
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        Thread reader = new Thread(() -> {
            try (Stream<String> body = response.body()) {
                body.forEach(lines::add);
            } catch (RuntimeException closed) {
                // The test ends the stream.
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            List<JsonNode> events = new ArrayList<>();
            events.add(nextSseEvent(lines));
            events.add(nextSseEvent(lines));
            String live = Events.jobProgress(publisher, user, 4).id();
            events.add(nextSseEvent(lines));

            assertThat(events).extracting(event -> event.path("id").asString())
                    .containsExactly(missed.get(0), missed.get(1), live);
            assertThat(events.get(0).path("topic").asString()).isEqualTo(user.topic());
            assertThat(events.get(0).path("type").asString()).isEqualTo("inference.job.progress");
            assertThat(events.get(0).path("data").path("progress").asInt()).isEqualTo(2);
        } finally {
            reader.interrupt();
        }
    }

    @Test
    void aLastEventIdThatIsNotAnEventIdIsAValidationProblem() throws IOException {
        User user = TestIdentity.newUser("user");
        // "" is what the fuzzer sent: Spring reads an empty header as an absent one, but it is no UUID either.
        for (String value : List.of("42", "")) {
            // Not ofString: were the stream opened, its body would never end.
            HttpResponse<InputStream> response = api.send(api.request("/api/notifications/stream", user)
                    .header("Last-Event-ID", value).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                assertThat(response.statusCode()).as("'%s'", value).isEqualTo(422);
                assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                assertThat(JsonMapper.shared().readTree(body).path("errors").get(0).path("pointer").asString())
                        .isEqualTo("/header/Last-Event-ID");
            }
        }
    }

    /** contracts/openapi/notification.yaml's Notification: what the stream's description says each data line is. */
    private static final Schema NOTIFICATION_SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(YAMLMapper.builder().build().readTree(Path.of("../contracts/openapi/notification.yaml").toFile())
                    .path("components").path("schemas").path("Notification"));

    /**
     * The next SSE event: its id line must equal the id of its data, and the data must be a Notification; comments
     * (keep-alive) are skipped.
     */
    private static JsonNode nextSseEvent(BlockingQueue<String> lines) throws InterruptedException {
        String id = null;
        String type = null;
        while (true) {
            String line = lines.poll(10, TimeUnit.SECONDS);
            assertThat(line).as("an SSE line within 10 s").isNotNull();
            if (line.startsWith("id:")) {
                id = line.substring(3).strip();
            } else if (line.startsWith("event:")) {
                type = line.substring(6).strip();
            } else if (line.startsWith("data:")) {
                JsonNode data = JsonMapper.shared().readTree(line.substring(5).strip());
                assertThat(data.path("id").asString()).isEqualTo(id);
                assertThat(data.path("type").asString()).isEqualTo(type);
                assertThat(NOTIFICATION_SCHEMA.validate(data,
                        context -> context.executionConfig(config -> config.formatAssertionsEnabled(true))))
                        .as("the SSE data is the contract's Notification: " + data).isEmpty();
                return data;
            }
        }
    }

    private void awaitInHistory(User user, String eventId) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                Api.json(api.get("/api/notifications?size=100&type=inference.job.progress", user)).path("items")
                        .valueStream().map(item -> item.path("id").asString()).toList()).contains(eventId));
    }
}
