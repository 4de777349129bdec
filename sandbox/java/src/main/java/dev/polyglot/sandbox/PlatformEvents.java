package dev.polyglot.sandbox;

import dev.polyglot.contracts.EventType;
import dev.polyglot.contracts.Streams;
import dev.polyglot.servicekit.contract.ContractJson;
import dev.polyglot.servicekit.events.CloudEvent;
import dev.polyglot.servicekit.events.ConsumerSettings;
import dev.polyglot.servicekit.events.StreamConsumer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.redisson.api.RStream;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamCreateGroupArgs;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;

/**
 * Waits for platform events in a test: {@code events.await("inference.job.completed", e -> ..., Duration.ofSeconds(30))}.
 *
 * <p>It reads {@code platform.events} (where every event a user's action causes is published; the job streams are the
 * workers') through the kit's own {@link StreamConsumer}, in a consumer group of its own ({@code sandbox-<uuid>}) that
 * is created at the stream's end when the awaiter is handed to the test, before the test acts: every event the test
 * causes is seen, none from before it, and the platform's own consumers are not disturbed. The group is removed when
 * the test ends.
 */
public final class PlatformEvents implements AutoCloseable {

    /** XREADGROUP BLOCK of the awaiter's consumer: also how long closing it may wait for the read in progress. */
    private static final Duration BLOCK = Duration.ofMillis(500);
    private static final Duration DEDUPE_WINDOW = Duration.ofMinutes(10);
    private static final ContractJson CONTRACT = ContractJson.strict();

    private final RStream<String, String> stream;
    private final String group;
    private final StreamConsumer consumer;
    private final EventInbox inbox = new EventInbox();

    PlatformEvents(RunningSandbox sandbox) {
        RedissonClient redisson = sandbox.redisson();
        this.group = "sandbox-" + UUID.randomUUID();
        this.stream = redisson.getStream(Streams.PLATFORM_EVENTS, StringCodec.INSTANCE);
        // Created here, synchronously, at the end of the stream: the consumer's own creation would happen on its thread,
        // possibly after the test's first action.
        stream.createGroup(StreamCreateGroupArgs.name(group).id(StreamMessageId.NEWEST).makeStream());
        ConsumerSettings settings = ConsumerSettings.of(Streams.PLATFORM_EVENTS, group)
                .withConsumerName(group).withStartId("$").withBlock(BLOCK)
                // Its idempotency keys outlive the group by this much only (the kit's default is a day).
                .withDedupeWindow(DEDUPE_WINDOW);
        this.consumer = new StreamConsumer(redisson, settings, inbox::add, new SimpleMeterRegistry(),
                sandbox.tracing()).start();
    }

    /**
     * The first event of {@code type} that {@code match} accepts, published since the awaiter was handed to the test
     * and not returned by an earlier wait; fails the test (AssertionFailedError, listing what did arrive) after
     * {@code timeout}.
     */
    public CloudEvent await(String type, Predicate<CloudEvent> match, Duration timeout) {
        return inbox.await(type + " event matching the test's predicate",
                event -> event.type().equals(type) && match.test(event), timeout);
    }

    /** The first event of {@code type}, as {@link #await(String, Predicate, Duration)}. */
    public CloudEvent await(String type, Duration timeout) {
        return await(type, event -> true, timeout);
    }

    /**
     * As {@link #await(String, Predicate, Duration)} with the event's data read as the class generated from its
     * schema ({@code EventTypes.INFERENCE_JOB_COMPLETED}: an {@code InferenceJobCompleted}), strictly: data that breaks
     * its contract fails the wait.
     */
    public <T> T await(EventType<T> type, Predicate<? super T> match, Duration timeout) {
        CloudEvent event = inbox.await(type.type() + " event matching the test's predicate",
                candidate -> candidate.type().equals(type.type())
                        && match.test(CONTRACT.read(candidate.data(), type.payloadClass())), timeout);
        return CONTRACT.read(event.data(), type.payloadClass());
    }

    /** Every event received since the awaiter was handed out (or since the previous test, when shared by a class). */
    public List<CloudEvent> received() {
        return inbox.received();
    }

    /** The awaiter's consumer group on platform.events. */
    public String group() {
        return group;
    }

    void forgetReceived() {
        inbox.clear();
    }

    /** Stops the consumer and removes its group. */
    @Override
    public void close() {
        consumer.stop();
        stream.removeGroup(group);
    }
}
