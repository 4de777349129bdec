package dev.polyglot.servicekit.events;

import java.time.Duration;
import java.util.Map;
import org.redisson.api.RMap;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.LongCodec;
import org.redisson.client.codec.StringCodec;
import org.redisson.codec.CompositeCodec;

/**
 * A slow handler that counts, per event id, how often a handler started and completed, in Redis hashes: the
 * counts survive the JVM that is killed, so a test can tell whether an event was handled once, twice or never.
 */
final class RecordingHandler implements EventHandler {

    /** Event id to count, stored as plain text. */
    private static final CompositeCodec COUNTS = new CompositeCodec(StringCodec.INSTANCE, LongCodec.INSTANCE);

    private final RMap<String, Long> started;
    private final RMap<String, Long> completed;
    private final Duration work;

    RecordingHandler(RedissonClient redisson, String stream, Duration work) {
        this.started = redisson.getMap(stream + ":started", COUNTS);
        this.completed = redisson.getMap(stream + ":completed", COUNTS);
        this.work = work;
    }

    @Override
    public void handle(CloudEvent event) throws InterruptedException {
        started.addAndGet(event.id(), 1);
        Thread.sleep(work.toMillis());
        completed.addAndGet(event.id(), 1);
    }

    Map<String, Long> completed() {
        return completed.readAllMap();
    }

    long startedTotal() {
        return started.readAllValues().stream().mapToLong(Long::longValue).sum();
    }

    long completedTotal() {
        return completed().values().stream().mapToLong(Long::longValue).sum();
    }
}
