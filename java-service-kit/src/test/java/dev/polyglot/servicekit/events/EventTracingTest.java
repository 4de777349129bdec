package dev.polyglot.servicekit.events;

import static dev.polyglot.servicekit.events.EventsTestSupport.GROUP;
import static dev.polyglot.servicekit.events.EventsTestSupport.entries;
import static dev.polyglot.servicekit.events.EventsTestSupport.fastSettings;
import static dev.polyglot.servicekit.events.EventsTestSupport.pending;
import static dev.polyglot.servicekit.events.EventsTestSupport.uniqueStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import brave.Span.Kind;
import brave.handler.MutableSpan;
import dev.polyglot.contracts.events.UserDeleted;
import dev.polyglot.servicekit.testing.RecordedSpans;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.client.codec.StringCodec;
import org.slf4j.MDC;

/**
 * The backbone's spans against the real Redis of REDIS_URL, on a Brave tracer whose finished spans are recorded: a
 * PRODUCER span per XADD whose context the propagator writes into the event, a CONSUMER span per entry whose parent is
 * the event's context, the names and tags shared with python-service-kit.
 */
class EventTracingTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private final RecordedSpans spans = new RecordedSpans();
    private final EventTracing tracing = EventTracing.standalone("events-test", spans);
    private final EventsTestSupport.Backbone backbone = new EventsTestSupport.Backbone(tracing);

    @AfterEach
    void disconnect() {
        backbone.close();
    }

    @Test
    void theConsumerSpanIsAChildOfTheProducerSpanAndTheHandlerRunsInIt() {
        String stream = uniqueStream("trace");
        List<String> logged = new CopyOnWriteArrayList<>();
        List<CloudEvent> publishedByHandler = new CopyOnWriteArrayList<>();
        backbone.start(fastSettings(stream, "c1"), event -> {
            logged.add(MDC.get("trace_id") + " " + MDC.get("span_id"));
            publishedByHandler.add(backbone.publisher.publish(userDeleted(), "users/1"));
        });

        CloudEvent event = EventsTestSupport.publish(backbone.publisher, stream, "test.ping", Map.of());

        MutableSpan send = spans.awaitOne("send " + stream);
        MutableSpan process = spans.awaitOne("process " + stream);
        assertThat(send.kind()).isEqualTo(Kind.PRODUCER);
        assertThat(send.parentId()).as("a ready event without context starts a trace").isNull();
        assertThat(send.tags()).containsAllEntriesOf(Map.of("messaging.system", "redis",
                "messaging.destination.name", stream, "messaging.operation.type", "send",
                "messaging.message.id", event.id(), "cloudevents.event_type", "test.ping"));
        assertThat(send.tags()).doesNotContainKey("messaging.consumer.group.name");
        assertThat(send.localServiceName()).isEqualTo("events-test");

        CloudEvent written = CloudEvent.parse(entries(backbone.redisson, stream).get(0).get(EventPublisher.FIELD));
        assertThat(written.traceparent()).as("written by the propagator")
                .isEqualTo("00-" + send.traceId() + "-" + send.id() + "-01");

        assertThat(process.kind()).isEqualTo(Kind.CONSUMER);
        assertThat(process.traceId()).isEqualTo(send.traceId());
        assertThat(process.parentId()).isEqualTo(send.id());
        assertThat(process.tags()).containsAllEntriesOf(Map.of("messaging.system", "redis",
                "messaging.destination.name", stream, "messaging.operation.type", "process",
                "messaging.message.id", event.id(), "cloudevents.event_type", "test.ping",
                "messaging.consumer.group.name", GROUP));

        assertThat(logged).as("the handler's log lines name the consumer span")
                .containsExactly(process.traceId() + " " + process.id());
        MutableSpan downstream = spans.awaitOne("send platform.events");
        assertThat(downstream.parentId()).as("what the handler publishes is a child of the consumer span")
                .isEqualTo(process.id());
        assertThat(publishedByHandler.get(0).traceparent())
                .isEqualTo("00-" + send.traceId() + "-" + downstream.id() + "-01");
    }

    @Test
    void aNewEventContinuesTheCurrentSpan() {
        Tracer tracer = tracing.tracer();
        Span request = tracer.nextSpan().name("request").start();
        CloudEvent sent;
        try (Tracer.SpanInScope scope = tracer.withSpan(request)) {
            sent = backbone.publisher.publish(userDeleted(), "users/2");
        } finally {
            request.end();
        }

        MutableSpan send = spans.named("send platform.events").stream()
                .filter(span -> sent.id().equals(span.tag("messaging.message.id"))).findFirst().orElseThrow();
        assertThat(send.traceId()).isEqualTo(request.context().traceId());
        assertThat(send.parentId()).isEqualTo(request.context().spanId());
        assertThat(send.tag("cloudevents.event_type")).isEqualTo("user.deleted");
        assertThat(sent.traceparent()).isEqualTo("00-" + send.traceId() + "-" + send.id() + "-01");
    }

    @Test
    void aReadyEventContinuesTheContextItCarriesNotTheCurrentSpan() {
        String stream = uniqueStream("stored");
        String stored = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        CloudEvent ready = CloudEvent.create("/events-test", "test.outbox", null, null)
                .withTraceContext(stored, "vendor=1");
        Span unrelated = tracing.tracer().nextSpan().name("unrelated").start();
        try (Tracer.SpanInScope scope = tracing.tracer().withSpan(unrelated)) {
            backbone.publisher.publish(stream, ready);
        } finally {
            unrelated.end();
        }

        MutableSpan send = spans.awaitOne("send " + stream);
        assertThat(send.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(send.parentId()).isEqualTo("00f067aa0ba902b7");
        CloudEvent written = CloudEvent.parse(entries(backbone.redisson, stream).get(0).get(EventPublisher.FIELD));
        assertThat(written.traceparent()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-" + send.id() + "-01");
        // The event carries what the propagator writes, nothing kept from before: Micrometer's W3C propagation for
        // Brave passes a tracestate on only as a configured baggage field, which the platform declares none of.
        assertThat(written.tracestate()).as("no vendor state of ours, none copied by hand").isNull();
    }

    @Test
    void eventsPublishedTogetherAreWrittenInOrderEachInItsOwnSpanAndCounted() {
        String stream = uniqueStream("together");
        String stored = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        List<CloudEvent> ready = List.of(
                CloudEvent.create("/events-test", "test.outbox", "rows/1", null).withTraceContext(stored, null),
                CloudEvent.create("/events-test", "test.outbox", "rows/2", null),
                CloudEvent.create("/events-test", "test.other", "rows/3", null));

        List<String> entryIds = backbone.publisher.publishAll(stream, ready);

        var written = backbone.redisson.<String, String>getStream(stream, StringCodec.INSTANCE)
                .range(org.redisson.api.stream.StreamMessageId.MIN, org.redisson.api.stream.StreamMessageId.MAX);
        assertThat(written.keySet().stream().map(Object::toString).toList()).as("the ids returned, in order")
                .containsExactlyElementsOf(entryIds);
        List<CloudEvent> events = written.values().stream().map(fields -> CloudEvent.parse(fields.get(EventPublisher.FIELD)))
                .toList();
        assertThat(events).extracting(CloudEvent::id).containsExactlyElementsOf(ready.stream().map(CloudEvent::id).toList());
        List<MutableSpan> sends = spans.awaitNamed("send " + stream, 3);
        for (CloudEvent event : events) {
            MutableSpan send = sends.stream().filter(span -> event.id().equals(span.tag("messaging.message.id")))
                    .findFirst().orElseThrow();
            assertThat(send.kind()).isEqualTo(Kind.PRODUCER);
            assertThat(event.traceparent()).isEqualTo("00-" + send.traceId() + "-" + send.id() + "-01");
        }
        assertThat(sends.stream().filter(span -> "00f067aa0ba902b7".equals(span.parentId())))
                .as("the first continues the context it carried").hasSize(1);
        assertThat(backbone.meters.get("events.published").tag("stream", stream).tag("type", "test.outbox").counter()
                .count()).isEqualTo(2);
        assertThat(backbone.publisher.publishAll(stream, List.of())).isEmpty();
    }

    @ParameterizedTest(name = "traceparent {0}")
    @ValueSource(strings = {"missing", "not-a-traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01"})
    void anEventWithoutAValidTraceparentIsHandledInANewTrace(String traceparent) {
        String stream = uniqueStream("untraced");
        List<String> handled = new CopyOnWriteArrayList<>();
        String id = UUID.randomUUID().toString();
        String trace = traceparent.equals("missing") ? "" : "\"traceparent\":\"" + traceparent + "\",";
        backbone.redisson.<String, String>getStream(stream, StringCodec.INSTANCE).add(StreamAddArgs.entry(EventPublisher.FIELD,
                "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/elsewhere\",\"type\":\"test.untraced\","
                        + "\"time\":\"2026-11-24T17:41:00.123456Z\",\"datacontenttype\":\"application/json\","
                        + "\"dataschema\":\"https://polyglot.dev/schemas/events/test.untraced.json\"," + trace
                        + "\"data\":{}}"));

        backbone.start(fastSettings(stream, "c1"), event -> handled.add(event.id()));

        await().atMost(DEADLINE).until(() -> handled.contains(id) && pending(backbone.redisson, stream) == 0);
        MutableSpan process = spans.awaitOne("process " + stream);
        assertThat(process.parentId()).as("a root span").isNull();
        assertThat(process.traceId()).isNotEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(process.error()).isNull();
        assertThat(entries(backbone.redisson, stream + ".dlq")).as("not dead-lettered").isEmpty();
    }

    @Test
    void anEntryThatIsNoEventIsDeadLetteredInsideAConsumerSpan() {
        String stream = uniqueStream("garbage");
        backbone.redisson.<String, String>getStream(stream, StringCodec.INSTANCE)
                .add(StreamAddArgs.entry(EventPublisher.FIELD, "{not json"));

        backbone.start(fastSettings(stream, "c1"), event -> { });

        await().atMost(DEADLINE).until(() -> entries(backbone.redisson, stream + ".dlq").size() == 1);
        MutableSpan process = spans.awaitOne("process " + stream);
        assertThat(process.error()).isInstanceOf(InvalidCloudEventException.class);
        assertThat(process.parentId()).isNull();
    }

    private static UserDeleted userDeleted() {
        UserDeleted payload = new UserDeleted();
        payload.setUserId(UUID.randomUUID());
        payload.setDeletedBy(UUID.randomUUID());
        payload.setDeletedAt(Instant.parse("2026-11-24T17:41:00.5Z"));
        return payload;
    }
}
