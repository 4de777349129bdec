package dev.polyglot.servicekit.events;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.redisson.api.RedissonClient;
import org.springframework.context.SmartLifecycle;

/**
 * The consumers a service starts (typically from an ApplicationReadyEvent listener), stopped gracefully with the
 * Spring context: before Redisson shuts down, all at once, each waiting for its handler in progress.
 */
public class StreamConsumers implements SmartLifecycle {

    private final RedissonClient redisson;
    private final EventsProperties properties;
    private final String consumerName;
    private final MeterRegistry meters;
    private final EventTracing tracing;
    private final List<StreamConsumer> consumers = new CopyOnWriteArrayList<>();
    private volatile boolean running;

    public StreamConsumers(RedissonClient redisson, EventsProperties properties, String consumerName,
                           MeterRegistry meters, EventTracing tracing) {
        this.redisson = redisson;
        this.tracing = tracing;
        this.properties = properties;
        this.consumerName = consumerName;
        this.meters = meters;
    }

    /** The configured settings for a consumer of this instance; adjust them with the {@code with…} methods. */
    public ConsumerSettings settings(String stream, String group) {
        return properties.consumerSettings(stream, group, consumerName);
    }

    public StreamConsumer start(String stream, String group, EventHandler handler) {
        return start(settings(stream, group), handler);
    }

    public StreamConsumer start(ConsumerSettings settings, EventHandler handler) {
        StreamConsumer consumer = new StreamConsumer(redisson, settings, handler, meters, tracing);
        consumers.add(consumer);
        return consumer.start();
    }

    public List<StreamConsumer> consumers() {
        return List.copyOf(consumers);
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        // In parallel, so that the shutdown wait is not paid once per consumer.
        CompletableFuture.allOf(consumers.stream()
                .map(consumer -> CompletableFuture.runAsync(consumer::stop))
                .toArray(CompletableFuture[]::new)).join();
        consumers.clear();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
