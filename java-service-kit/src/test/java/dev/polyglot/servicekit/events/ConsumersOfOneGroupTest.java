package dev.polyglot.servicekit.events;

import static dev.polyglot.servicekit.events.EventsTestSupport.GROUP;
import static dev.polyglot.servicekit.events.EventsTestSupport.uniqueStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several instances of one service in one JVM, each with its Redisson client, as two application contexts are: they
 * share a consumer group's work, and when one closes (its client shut down) the other goes on consuming with the
 * production BLOCK. Written for the stall seen once in notification-service's two-context test (docs/flows.md):
 * a read blocked far past its BLOCK after the other context closed.
 */
class ConsumersOfOneGroupTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final EventsTestSupport.Backbone first = new EventsTestSupport.Backbone(EventsTestSupport.TRACING);
    private final EventsTestSupport.Backbone second = new EventsTestSupport.Backbone(EventsTestSupport.TRACING);
    private final Map<String, AtomicInteger> handledBy = new ConcurrentHashMap<>();

    @AfterEach
    void close() {
        for (EventsTestSupport.Backbone instance : new EventsTestSupport.Backbone[] {first, second}) {
            if (!instance.redisson.isShutdown()) {
                instance.close();
            }
        }
    }

    private EventHandler countedAs(String instance) {
        return event -> handledBy.computeIfAbsent(instance, name -> new AtomicInteger()).incrementAndGet();
    }

    private int handled(String instance) {
        return handledBy.getOrDefault(instance, new AtomicInteger()).get();
    }

    private static void publish(EventsTestSupport.Backbone through, String stream, int count) {
        for (int i = 0; i < count; i++) {
            EventsTestSupport.publish(through.publisher, stream, "test.spread", Map.of("n", i), "spread");
        }
    }

    @Test
    void theInstancesShareTheWorkAndTheLastOneGoesOnAfterTheOtherCloses() throws InterruptedException {
        String stream = uniqueStream("spread");
        // The production settings (BLOCK 2 s, batches of 16), each instance its own consumer name.
        first.start(ConsumerSettings.of(stream, GROUP).withConsumerName("instance-1"), countedAs("instance-1"));
        second.start(ConsumerSettings.of(stream, GROUP).withConsumerName("instance-2"), countedAs("instance-2"));

        for (int round = 0; round < 20; round++) {
            publish(first, stream, 10);
            Thread.sleep(50); // arrivals over a second, as a service's traffic comes, not one burst for one reader
        }
        await().atMost(DEADLINE).until(() -> handled("instance-1") + handled("instance-2") == 200);
        assertThat(handled("instance-1")).as("instance-1's share of 200").isPositive();
        assertThat(handled("instance-2")).as("instance-2's share of 200").isPositive();

        first.close();
        int secondBefore = handled("instance-2");
        publish(second, stream, 50);
        // Within a few BLOCKs, not after Redisson's stall: every new event by the instance left.
        await().atMost(Duration.ofSeconds(10)).until(() -> handled("instance-2") == secondBefore + 50);
        assertThat(handled("instance-1") + handled("instance-2")).isEqualTo(250);
    }
}
