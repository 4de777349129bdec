package dev.polyglot.servicekit.events;

import dev.polyglot.servicekit.config.ServiceKitEnvironmentPostProcessor;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;

/**
 * {@code service-kit.events.*}: retention per stream and the consumer defaults. The values live in
 * {@code service-kit-defaults.yaml} only (documented there); tools without a Spring context read the same file
 * through {@link #defaults()}.
 *
 * @param retention        approximate MAXLEN per stream name
 * @param defaultRetention for a stream that {@code retention} does not name
 * @param dlqRetention     for a {@code <stream>.dlq} that {@code retention} does not name
 * @param consumer         defaults of every {@link ConsumerSettings}
 */
@ConfigurationProperties("service-kit.events")
public record EventsProperties(
        Map<String, Integer> retention,
        int defaultRetention,
        int dlqRetention,
        Consumer consumer) {

    public static final String PREFIX = "service-kit.events";
    static final String DLQ_SUFFIX = ".dlq";

    public EventsProperties {
        retention = retention == null ? Map.of() : Map.copyOf(retention);
    }

    public record Consumer(int batchSize, Duration block, Duration reclaimInterval, Duration minIdle,
                           int maxDeliveries, Duration dedupeWindow, Duration shutdownWait, String startId) {
    }

    /** The kit's defaults merged with system properties and environment variables, without Spring Boot's startup. */
    public static EventsProperties defaults() {
        StandardEnvironment environment = new StandardEnvironment();
        ServiceKitEnvironmentPostProcessor.defaults().forEach(environment.getPropertySources()::addLast);
        return Binder.get(environment).bindOrCreate(PREFIX, EventsProperties.class);
    }

    public int retentionFor(String stream) {
        Integer configured = retention.get(stream);
        if (configured != null) {
            return configured;
        }
        return stream.endsWith(DLQ_SUFFIX) ? dlqRetention : defaultRetention;
    }

    /** The settings of a consumer of {@code stream} in {@code group}, named {@code consumerName}. */
    public ConsumerSettings consumerSettings(String stream, String group, String consumerName) {
        return new ConsumerSettings(stream, group, consumerName, consumer.batchSize(), consumer.block(),
                consumer.reclaimInterval(), consumer.minIdle(), consumer.maxDeliveries(), consumer.dedupeWindow(),
                consumer.shutdownWait(), consumer.startId(), retentionFor(stream + DLQ_SUFFIX));
    }
}
