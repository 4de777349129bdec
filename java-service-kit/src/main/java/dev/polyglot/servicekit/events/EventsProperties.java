package dev.polyglot.servicekit.events;

import dev.polyglot.contracts.Streams;
import dev.polyglot.servicekit.config.ServiceKitEnvironmentPostProcessor;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;

/**
 * {@code service-kit.events.*}: retention per stream and the consumer defaults. The values live in
 * {@code service-kit-defaults.yaml} only (documented there); tools without a Spring context read the same file
 * through {@link #defaults()}.
 *
 * @param retention        approximate MAXLEN per stream name, over the contract's ({@link Streams#RETENTION})
 * @param retentionOverrides "stream=entries,..." (EVENTS_RETENTION, as the Python services read it) over {@code retention}
 * @param defaultRetention for a stream that {@code retention} does not name
 * @param dlqRetention     for a {@code <stream>.dlq} that {@code retention} does not name
 * @param consumer         defaults of every {@link ConsumerSettings}
 */
@ConfigurationProperties("service-kit.events")
public record EventsProperties(
        Map<String, Integer> retention,
        String retentionOverrides,
        int defaultRetention,
        int dlqRetention,
        Consumer consumer) {

    public static final String PREFIX = "service-kit.events";
    static final String DLQ_SUFFIX = ".dlq";

    public EventsProperties {
        // The contract's retention (the AsyncAPI document's x-redis-stream) first; configuration may change it.
        Map<String, Integer> merged = new HashMap<>(Streams.RETENTION);
        merged.putAll(retention == null ? Map.of() : retention);
        merged.putAll(parseRetention(retentionOverrides));
        retention = Map.copyOf(merged);
    }

    static Map<String, Integer> parseRetention(String text) {
        Map<String, Integer> parsed = new HashMap<>();
        if (text == null || text.isBlank()) {
            return parsed;
        }
        for (String item : text.split(",")) {
            String[] parts = item.trim().split("=", 2);
            if (parts.length != 2 || parts[0].isBlank() || !parts[1].trim().matches("[1-9][0-9]*")) {
                throw new IllegalArgumentException("EVENTS_RETENTION items are stream=entries, not '" + item.trim() + "'");
            }
            parsed.put(parts[0].trim(), Integer.valueOf(parts[1].trim()));
        }
        return parsed;
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
