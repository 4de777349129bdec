package dev.polyglot.servicekit.events;

import dev.polyglot.contracts.EventType;
import dev.polyglot.contracts.EventTypes;
import dev.polyglot.servicekit.contract.ContractJson;
import dev.polyglot.servicekit.contract.ContractViolationException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import java.util.ArrayList;
import java.util.List;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.client.codec.StringCodec;

/**
 * Publishes CloudEvents to Redis streams: {@code XADD <stream> MAXLEN ~ <retention> * cloudevent <JSON>}.
 *
 * <p>A service publishes a payload object generated from contracts/events/schemas
 * ({@code publisher.publish(userRegistered, "users/42")}): its event type, stream and dataschema follow from its class
 * ({@link EventTypes#of(Class)}), and it is validated against its contract first ({@link ContractJson}), so a
 * publisher never writes what a consumer would have to dead-letter. A ready CloudEvent (an outbox row, an event being
 * forwarded) is published as it is with {@link #publish(String, CloudEvent)}.
 *
 * <p>Every XADD happens inside a PRODUCER span ({@code send <stream>}, see {@link EventTracing}) whose context the
 * tracer's propagator writes into the event's {@code traceparent}/{@code tracestate}. A new event's span is a child of
 * the current span (an HTTP request's, or the consumer span of the event a handler is handling), so the trace goes on
 * across the stream; a ready event's span is a child of the context the event carries (an outbox row's stored one).
 *
 * <p>{@link #publishAll(String, List)} writes several ready events in one round trip (the outbox relay's batch of
 * rows): a Redisson batch, the XADDs pipelined in order, each inside its own PRODUCER span.
 */
public class EventPublisher {

    /** The one field of a stream entry; its value is the CloudEvent's JSON text. */
    public static final String FIELD = "cloudevent";

    private final RedissonClient redisson;
    private final EventsProperties properties;
    private final String source;
    private final MeterRegistry meters;
    private final EventTracing tracing;
    private final ContractJson contract = ContractJson.strict();

    /**
     * @param source  "/" + the service name
     * @param tracing the service's tracer and propagator
     */
    public EventPublisher(RedissonClient redisson, EventsProperties properties, String source, MeterRegistry meters,
                          EventTracing tracing) {
        this.redisson = redisson;
        this.properties = properties;
        this.source = source;
        this.meters = meters;
        this.tracing = tracing;
    }

    /** {@link #publish(Object, String)} without a subject. */
    public CloudEvent publish(Object payload) {
        return publish(payload, null);
    }

    /**
     * Publishes a new event whose data is {@code payload}, on its type's stream, in the current trace, and returns it
     * as written (with its trace context).
     *
     * @param payload an instance of a class generated from contracts/events/schemas ({@code dev.polyglot.contracts.events})
     * @param subject the CloudEvent {@code subject} (what the event is about, e.g. {@code users/42}), or null
     * @throws IllegalArgumentException    when the payload's class is not an event payload of the contracts
     * @throws ContractViolationException when the payload breaks its schema (nothing is written)
     */
    public CloudEvent publish(Object payload, String subject) {
        EventType<?> type = EventTypes.of(payload.getClass());
        CloudEvent event = CloudEvent.create(source, type.type(), subject, contract.toTree(payload));
        return send(type.stream(), event, true).event();
    }

    /**
     * Publishes a ready event (an outbox row, an event being forwarded) as it is but for its trace context: its
     * PRODUCER span is a child of the context the event carries (none, or a malformed one: a new trace), and the
     * span's context replaces it. Returns the stream entry id.
     */
    public String publish(String stream, CloudEvent event) {
        return send(stream, event, false).entryId();
    }

    /**
     * Publishes ready events, in order, as {@link #publish(String, CloudEvent)} publishes each, but in one round trip:
     * a Redisson batch (the XADDs pipelined, not a transaction). Returns their entry ids, in order, once Redis has taken
     * them all. When Redis fails it throws, and any of the events may have been written: the caller publishes them
     * all again under the same ids, and the consumers skip what they have handled (docs/decisions/0007).
     */
    public List<String> publishAll(String stream, List<CloudEvent> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        List<Span> spans = new ArrayList<>(events.size());
        List<RFuture<StreamMessageId>> added = new ArrayList<>(events.size());
        RBatch batch = redisson.createBatch(BatchOptions.defaults());
        var entries = batch.<String, String>getStream(stream, StringCodec.INSTANCE);
        int maxLen = properties.retentionFor(stream);
        try {
            for (CloudEvent event : events) {
                Span span = tracing.startSend(stream, event, false);
                spans.add(span);
                added.add(entries.addAsync(StreamAddArgs.<String, String>entry(FIELD, tracing.inject(span, event).toJsonText())
                        .trimNonStrict().maxLen(maxLen).noLimit()));
            }
            batch.execute();
            List<String> entryIds = new ArrayList<>(added.size());
            for (RFuture<StreamMessageId> entryId : added) {
                entryIds.add(entryId.toCompletableFuture().join().toString());
            }
            for (CloudEvent event : events) {
                published(stream, event.type()).increment();
            }
            return entryIds;
        } catch (RuntimeException failure) {
            spans.forEach(span -> span.error(failure));
            throw failure;
        } finally {
            spans.forEach(Span::end);
        }
    }

    private Counter published(String stream, String type) {
        return Counter.builder("events.published").description("Events written to a stream")
                .tag("stream", stream).tag("type", type)
                .register(meters);
    }

    private Sent send(String stream, CloudEvent event, boolean continueCurrent) {
        var span = tracing.startSend(stream, event, continueCurrent);
        try (var scope = tracing.inScope(span)) {
            CloudEvent traced = tracing.inject(span, event);
            String entryId = redisson.<String, String>getStream(stream, StringCodec.INSTANCE)
                    .add(StreamAddArgs.<String, String>entry(FIELD, traced.toJsonText())
                            .trimNonStrict().maxLen(properties.retentionFor(stream)).noLimit())
                    .toString();
            published(stream, event.type()).increment();
            return new Sent(traced, entryId);
        } catch (RuntimeException failure) {
            span.error(failure);
            throw failure;
        } finally {
            span.end();
        }
    }

    private record Sent(CloudEvent event, String entryId) {
    }

    public String source() {
        return source;
    }
}
