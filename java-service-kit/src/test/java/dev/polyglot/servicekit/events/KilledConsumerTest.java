package dev.polyglot.servicekit.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * A consumer killed with SIGKILL in the middle of a batch: another consumer reclaims its entries and every event is
 * completed exactly once as seen by the handlers, none lost.
 */
class KilledConsumerTest {

    private static final int EVENTS = 12;
    private static final Duration DEADLINE = Duration.ofSeconds(40);

    @Test
    void entriesOfAKilledConsumerAreHandledOnceByAnother() throws Exception {
        String stream = EventsTestSupport.uniqueStream("killed");
        RedissonClient redisson = EventsTestSupport.redisson();
        StreamConsumer survivor = null;
        Process child = null;
        try {
            EventPublisher publisher = EventsTestSupport.publisher(redisson, new SimpleMeterRegistry());
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < EVENTS; i++) {
                ids.add(EventsTestSupport.publish(publisher, stream, "test.work", Map.of("n", i)).id());
            }
            RecordingHandler handler = new RecordingHandler(redisson, stream, Duration.ZERO);

            child = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                    "-cp", System.getProperty("java.class.path"), ConsumerProcessMain.class.getName(), stream, "doomed")
                    .inheritIO().start();
            // Kill it while a handler is running, after a few events are done: the rest of its batch is pending.
            await().atMost(DEADLINE).until(() -> handler.completedTotal() >= 2
                    && handler.startedTotal() > handler.completedTotal());
            child.destroyForcibly();
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(handler.completedTotal()).as("killed mid-batch").isLessThan(EVENTS);

            survivor = new StreamConsumer(redisson, EventsTestSupport.fastSettings(stream, "survivor"), handler,
                    new SimpleMeterRegistry(), EventsTestSupport.TRACING).start();

            await().atMost(DEADLINE).until(() -> handler.completed().keySet().equals(ids));
            await().atMost(DEADLINE).until(() -> EventsTestSupport.pending(redisson, stream) == 0);
            assertThat(handler.completed()).as("completions per event id").allSatisfy(
                    (id, completions) -> assertThat(completions).as(id).isEqualTo(1L));
        } finally {
            if (child != null) {
                child.destroyForcibly();
            }
            if (survivor != null) {
                survivor.stop();
            }
            redisson.shutdown();
        }
    }
}
