package dev.polyglot.servicekit.events;

import dev.polyglot.servicekit.testing.TestRedis;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Shared by the backbone's Redis tests: a client for the tests' Redis ({@link TestRedis}: REDIS_CLUSTER_NODES, else
 * REDIS_URL), fresh stream names, fast consumer settings.
 */
final class EventsTestSupport {

    static final String GROUP = "test-group";
    /** The backbone's tests' tracer: Brave with W3C propagation, nothing exported. */
    static final EventTracing TRACING = EventTracing.standalone("events-test");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private EventsTestSupport() {
    }

    /**
     * What a backbone test works with: a client for the tests' Redis, a publisher, the consumers it started (stopped on
     * {@link #close()}), one meter registry and one tracer for all of them.
     */
    static final class Backbone implements AutoCloseable {

        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        final RedissonClient redisson = redisson();
        final EventTracing tracing;
        final EventPublisher publisher;
        private final List<StreamConsumer> started = new CopyOnWriteArrayList<>();

        Backbone(EventTracing tracing) {
            this.tracing = tracing;
            this.publisher = new EventPublisher(redisson, EventsProperties.defaults(), "/events-test", meters, tracing);
        }

        StreamConsumer start(ConsumerSettings settings, EventHandler handler) {
            StreamConsumer consumer = new StreamConsumer(redisson, settings, handler, meters, tracing);
            started.add(consumer);
            return consumer.start();
        }

        @Override
        public void close() {
            started.forEach(StreamConsumer::stop);
            redisson.shutdown();
        }
    }

    static RedissonClient redisson() {
        return TestRedis.redisson();
    }

    /** A stream of its own per test, so that tests never see each other's entries. */
    static String uniqueStream(String purpose) {
        return "test." + purpose + "." + UUID.randomUUID();
    }

    /** The kit's defaults with the waits shortened, so that reclaim and retries happen within a test's time. */
    static ConsumerSettings fastSettings(String stream, String consumerName) {
        return ConsumerSettings.of(stream, GROUP)
                .withConsumerName(consumerName)
                .withBlock(Duration.ofMillis(100))
                .withReclaimInterval(Duration.ofMillis(100))
                .withMinIdle(Duration.ofMillis(200))
                .withShutdownWait(Duration.ofSeconds(5));
    }

    static EventPublisher publisher(RedissonClient redisson, MeterRegistry meters) {
        return new EventPublisher(redisson, EventsProperties.defaults(), "/events-test", meters, TRACING);
    }

    /**
     * Publishes a new event of a made-up type ({@code test.*}) with {@code data} to a test's own stream, through the
     * publisher's path for ready events: the backbone's delivery does not depend on what the payload is.
     */
    static CloudEvent publish(EventPublisher publisher, String stream, String type, Object data, String subject) {
        CloudEvent event = CloudEvent.create(publisher.source(), type, subject, JSON.valueToTree(data));
        publisher.publish(stream, event);
        return event;
    }

    /** {@code data} (a map, say) as the JSON tree an event carries. */
    static JsonNode tree(Object data) {
        return JSON.valueToTree(data);
    }

    static CloudEvent publish(EventPublisher publisher, String stream, String type, Object data) {
        return publish(publisher, stream, type, data, null);
    }

    static List<Map<String, String>> entries(RedissonClient redisson, String stream) {
        return redisson.<String, String>getStream(stream, StringCodec.INSTANCE)
                .range(StreamMessageId.MIN, StreamMessageId.MAX)
                .values().stream().toList();
    }

    static long pending(RedissonClient redisson, String stream) {
        return redisson.getStream(stream, StringCodec.INSTANCE).getPendingInfo(GROUP).getTotal();
    }
}
