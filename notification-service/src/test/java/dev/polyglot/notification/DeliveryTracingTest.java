package dev.polyglot.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import brave.Span.Kind;
import brave.handler.MutableSpan;
import dev.polyglot.notification.support.Api;
import dev.polyglot.notification.support.Events;
import dev.polyglot.notification.support.NotificationServiceTest;
import dev.polyglot.notification.support.ProtocolClient;
import dev.polyglot.notification.support.TestIdentity;
import dev.polyglot.notification.support.TestIdentity.User;
import dev.polyglot.servicekit.events.CloudEvent;
import dev.polyglot.servicekit.events.EventPublisher;
import dev.polyglot.servicekit.events.EventTracing;
import dev.polyglot.servicekit.testing.RecordedSpans;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * An event's trace reaches the client connections: the backbone's CONSUMER span, the fan-out's PRODUCER and CONSUMER
 * spans over Redis pub/sub, and one {@code deliver} span for handing it to the instance's connections (counted by
 * kind in its tags, not a span each), all in the event's trace, while the frames stay as the contract writes them.
 */
@NotificationServiceTest
class DeliveryTracingTest {

    @LocalServerPort
    int port;
    @Autowired
    EventPublisher publisher;
    @Autowired
    EventTracing tracing;
    @Autowired
    RecordedSpans spans;

    @Test
    void theInstancesDeliverySpanCountsItsConnectionsInTheEventsTraceBelowTheFanOutAndTheConsumer() throws Exception {
        User user = TestIdentity.newUser("user");
        Api api = new Api(port);
        try (ProtocolClient socket = api.connect(user)) {
            socket.next("hello");
            HttpResponse<Stream<String>> sse = api.send(api.request("/api/notifications/stream", user)
                    .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
            assertThat(sse.statusCode()).isEqualTo(200);
            sse.body().iterator().next(); // the first keep-alive: the stream is open, its connection registered

            Tracer tracer = tracing.tracer();
            Span origin = tracer.nextSpan().name("test origin").start();
            CloudEvent event;
            try (Tracer.SpanInScope scope = tracer.withSpan(origin)) {
                event = Events.jobProgress(publisher, user, 42);
            } finally {
                origin.end();
            }

            JsonNode frame = socket.next("event");
            assertThat(frame.path("id").asString()).isEqualTo(event.id());
            assertThat(frame.propertyNames()).as("the frame is the contract's, no trace fields added")
                    .containsExactlyInAnyOrder("type", "id", "topic", "event_type", "source", "time", "dataschema",
                            "data");
            String traceId = origin.context().traceId();
            assertThat(event.traceparent()).startsWith("00-" + traceId + "-");

            await().atMost(Duration.ofSeconds(20)).until(() -> !delivered(traceId, event.id()).isEmpty());
            List<MutableSpan> deliveries = delivered(traceId, event.id());
            assertThat(deliveries).as("one span for the instance, however many connections").hasSize(1);
            for (MutableSpan deliver : deliveries) {
                assertThat(deliver.tags()).containsEntry("notification.connections", "2")
                        .containsEntry("notification.connections.websocket", "1")
                        .containsEntry("notification.connections.sse", "1")
                        .containsEntry("notification.duplicates", "0")
                        .containsEntry("notification.failed", "0");
                assertThat(deliver.name()).isEqualTo("deliver user:{id}");
                assertThat(deliver.tag("notification.topic")).isEqualTo("user:" + user.id());
                MutableSpan fanoutReceived = parent(deliver);
                assertThat(fanoutReceived.name()).isEqualTo("process notification:fanout");
                assertThat(fanoutReceived.kind()).isEqualTo(Kind.CONSUMER);
                MutableSpan fanoutSent = parent(fanoutReceived);
                assertThat(fanoutSent.name()).isEqualTo("send notification:fanout");
                assertThat(fanoutSent.kind()).isEqualTo(Kind.PRODUCER);
                MutableSpan consumed = parent(fanoutSent);
                assertThat(consumed.name()).isEqualTo("process platform.events");
                assertThat(consumed.tags()).containsEntry("messaging.consumer.group.name", "notification")
                        .containsEntry("messaging.message.id", event.id());
                MutableSpan published = parent(consumed);
                assertThat(published.name()).isEqualTo("send platform.events");
                assertThat(published.parentId()).isEqualTo(origin.context().spanId());
            }
            assertThat(deliveries.get(0).localServiceName()).isEqualTo("notification-service");
            sse.body().close();
        }
    }

    private List<MutableSpan> delivered(String traceId, String eventId) {
        return spans.inTrace(traceId).stream()
                .filter(span -> span.name().startsWith("deliver ") && eventId.equals(span.tag("messaging.message.id")))
                .toList();
    }

    private MutableSpan parent(MutableSpan span) {
        assertThat(span.parentId()).as("the parent of " + span.name()).isNotNull();
        return spans.inTrace(span.traceId()).stream().filter(candidate -> candidate.id().equals(span.parentId()))
                .findFirst().orElseThrow(() -> new AssertionError("no finished span " + span.parentId()
                        + " (the parent of " + span.name() + ") in " + spans.inTrace(span.traceId())));
    }
}
