package dev.polyglot.servicekit.events;

import dev.polyglot.servicekit.info.ServiceInstance;
import java.time.Duration;
import java.util.Objects;
import org.springframework.core.env.StandardEnvironment;

/**
 * How one {@link StreamConsumer} reads its stream. Start from {@link #of(String, String)} (the kit's defaults,
 * see {@code service-kit.events.consumer} in service-kit-defaults.yaml) or from
 * {@link EventsProperties#consumerSettings}, and change single values with the {@code with…} methods.
 *
 * @param consumerName unique per running instance: two instances sharing a name would steal each other's entries
 * @param block        XREADGROUP BLOCK; also how long a stop may wait for the read in progress
 * @param startId      where a newly created group starts ("0": the whole stream)
 * @param dlqRetention approximate MAXLEN of {@code <stream>.dlq}
 */
public record ConsumerSettings(
        String stream,
        String group,
        String consumerName,
        int batchSize,
        Duration block,
        Duration reclaimInterval,
        Duration minIdle,
        int maxDeliveries,
        Duration dedupeWindow,
        Duration shutdownWait,
        String startId,
        int dlqRetention) {

    public ConsumerSettings {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(consumerName, "consumerName");
        if (batchSize < 1 || maxDeliveries < 1) {
            throw new IllegalArgumentException("batchSize and maxDeliveries must be at least 1");
        }
    }

    /** The kit's defaults; the consumer name is INSTANCE_ID, else {@code <hostname>-<pid>}. */
    public static ConsumerSettings of(String stream, String group) {
        return EventsProperties.defaults().consumerSettings(stream, group, defaultConsumerName());
    }

    public static String defaultConsumerName() {
        return ServiceInstance.of(new StandardEnvironment()).instanceId();
    }

    public String dlqStream() {
        return stream + EventsProperties.DLQ_SUFFIX;
    }

    /**
     * The idempotency key of an event id, present while the id counts as handled: {@code {<stream>}:<group>:processed:
     * <event id>}. The hash tag makes Redis Cluster hash only the stream's name: the key lives in the stream's own slot,
     * so a batch's key checks, keys and XACK go to the stream's node, and a client may commit keys and XACK in one
     * MULTI/EXEC (the Python kit does), which a cluster refuses across slots.
     */
    public String processedKey(String eventId) {
        return "{" + stream + "}:" + group + ":processed:" + eventId;
    }

    public ConsumerSettings withConsumerName(String value) {
        return new ConsumerSettings(stream, group, value, batchSize, block, reclaimInterval, minIdle, maxDeliveries,
                dedupeWindow, shutdownWait, startId, dlqRetention);
    }

    public ConsumerSettings withBatchSize(int value) {
        return new ConsumerSettings(stream, group, consumerName, value, block, reclaimInterval, minIdle, maxDeliveries,
                dedupeWindow, shutdownWait, startId, dlqRetention);
    }

    public ConsumerSettings withBlock(Duration value) {
        return new ConsumerSettings(stream, group, consumerName, batchSize, value, reclaimInterval, minIdle,
                maxDeliveries, dedupeWindow, shutdownWait, startId, dlqRetention);
    }

    public ConsumerSettings withReclaimInterval(Duration value) {
        return new ConsumerSettings(stream, group, consumerName, batchSize, block, value, minIdle, maxDeliveries,
                dedupeWindow, shutdownWait, startId, dlqRetention);
    }

    public ConsumerSettings withMinIdle(Duration value) {
        return new ConsumerSettings(stream, group, consumerName, batchSize, block, reclaimInterval, value,
                maxDeliveries, dedupeWindow, shutdownWait, startId, dlqRetention);
    }

    public ConsumerSettings withMaxDeliveries(int value) {
        return new ConsumerSettings(stream, group, consumerName, batchSize, block, reclaimInterval, minIdle, value,
                dedupeWindow, shutdownWait, startId, dlqRetention);
    }

    public ConsumerSettings withDedupeWindow(Duration value) {
        return new ConsumerSettings(stream, group, consumerName, batchSize, block, reclaimInterval, minIdle,
                maxDeliveries, value, shutdownWait, startId, dlqRetention);
    }

    public ConsumerSettings withShutdownWait(Duration value) {
        return new ConsumerSettings(stream, group, consumerName, batchSize, block, reclaimInterval, minIdle,
                maxDeliveries, dedupeWindow, value, startId, dlqRetention);
    }

    public ConsumerSettings withStartId(String value) {
        return new ConsumerSettings(stream, group, consumerName, batchSize, block, reclaimInterval, minIdle,
                maxDeliveries, dedupeWindow, shutdownWait, value, dlqRetention);
    }
}
