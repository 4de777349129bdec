package dev.polyglot.servicekit.events;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.redisson.api.RedissonClient;

/**
 * The consumer that {@link KilledConsumerTest} runs in a JVM of its own and kills: consumes {@code args[0]} as
 * consumer {@code args[1]} with a slow {@link RecordingHandler}, until killed.
 */
public final class ConsumerProcessMain {

    private ConsumerProcessMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        RedissonClient redisson = EventsTestSupport.redisson();
        new StreamConsumer(redisson, EventsTestSupport.fastSettings(args[0], args[1]),
                new RecordingHandler(redisson, args[0], Duration.ofMillis(300)), new SimpleMeterRegistry(),
                EventsTestSupport.TRACING).start();
        Thread.currentThread().join();
    }
}
