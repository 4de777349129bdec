package dev.polyglot.servicekit.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.polyglot.servicekit.events.tool.EventsTool;
import dev.polyglot.servicekit.testing.PrivateRedisCluster;
import dev.polyglot.servicekit.testing.PrivateRedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * Redis restarted (without its data) under a running consumer: the consumer backs off, reconnects, recreates its
 * group and handles what is published afterwards, without anyone restarting it. On a {@link PrivateRedisServer}, and
 * on a {@link PrivateRedisCluster} whose master of the stream's slot restarts, because the shared ones must not be
 * restarted.
 */
class RedisRestartTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    void consumerResumesAfterRedisRestarts() {
        try (PrivateRedisServer redis = PrivateRedisServer.start()) {
            consumerResumesAfter(EventsTool.connect(redis.url()), stream -> redis.restart());
        }
    }

    @Test
    void consumerResumesAfterTheClusterMasterOfItsStreamRestarts() {
        try (PrivateRedisCluster cluster = PrivateRedisCluster.start()) {
            consumerResumesAfter(EventsTool.connect(cluster.settings()), cluster::restartMasterOf);
        }
    }

    /** {@code restart} takes the stream's Redis away and brings it back empty. */
    private static void consumerResumesAfter(RedissonClient redisson, Consumer<String> restart) {
        StreamConsumer consumer = null;
        try {
            String stream = EventsTestSupport.uniqueStream("restart");
            EventPublisher publisher = EventsTestSupport.publisher(redisson, new SimpleMeterRegistry());
            List<String> handled = new CopyOnWriteArrayList<>();
            consumer = new StreamConsumer(redisson, EventsTestSupport.fastSettings(stream, "c1"),
                    event -> handled.add(event.id()), new SimpleMeterRegistry(),
                    EventsTestSupport.TRACING).start();
            String before = EventsTestSupport.publish(publisher, stream, "test.before", Map.of()).id();
            await().atMost(DEADLINE).until(() -> handled.contains(before));

            restart.accept(stream);
            assertThat(redisson.getStream(stream).isExists()).as("the stream went with the restart").isFalse();

            List<String> after = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                // The publisher's connection may still be reconnecting: a service would retry or fail the request.
                after.add(await().atMost(DEADLINE).ignoreExceptions()
                        .until(() -> EventsTestSupport.publish(publisher, stream, "test.after", Map.of()).id(), Objects::nonNull));
            }
            await().atMost(DEADLINE).until(() -> handled.containsAll(after));
            assertThat(consumer.isRunning()).isTrue();
        } finally {
            if (consumer != null) {
                consumer.stop();
            }
            redisson.shutdown();
        }
    }
}
