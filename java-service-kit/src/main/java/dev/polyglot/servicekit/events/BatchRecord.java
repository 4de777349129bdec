package dev.polyglot.servicekit.events;

import java.util.ArrayList;
import java.util.List;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RStream;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;

/**
 * What a consumer writes to Redis about one batch of entries: the idempotency key of each event whose handler
 * succeeded, and the acknowledgement of the batch's entries.
 *
 * <p>The key is what keeps an event handled once (a redelivered entry whose key exists is skipped), so it is out before
 * the consumer goes on to the next entry ({@link #beforeNextEntry}: {@code SET ... PX}, asynchronously, Redisson writes
 * it at once and the consumer goes on without waiting for the answer). The acknowledgement only spares a redelivery,
 * which the key turns into a skip: the batch's entries are acknowledged together in one XACK at the end of the batch,
 * once every key was answered. The key of the batch's last handler has no next entry to wait for: it goes with that
 * XACK in one MULTI/EXEC (the keys share the stream's Redis Cluster slot, {@link ConsumerSettings#processedKey}), so that
 * a batch of one event, what a consumer that keeps up reads, costs one round trip after its read rather than two. It
 * does so only when every earlier key was answered, so that nothing waits while that key is unsent. A consumer that
 * dies after a handler returned and before its key reached Redis makes that event's handler run twice, as it did when
 * each entry had its own MULTI/EXEC; one that dies before the batch's XACK leaves its entries pending, and whoever
 * reclaims them skips them as duplicates.
 */
final class BatchRecord {

    private final RedissonClient redisson;
    private final ConsumerSettings settings;
    private final List<StreamMessageId> toAcknowledge = new ArrayList<>();
    private final List<RFuture<Void>> keyWrites = new ArrayList<>();
    /** The key of the handler that returned last, until the consumer goes on to another entry or ends the batch. */
    private String heldKey;
    private int duplicates;

    BatchRecord(RedissonClient redisson, ConsumerSettings settings) {
        this.redisson = redisson;
        this.settings = settings;
    }

    /** The handler of {@code entryId} succeeded: its key goes before the next entry, the entry acknowledged with the batch. */
    void handled(StreamMessageId entryId, String processedKey) {
        sendHeldKey();
        toAcknowledge.add(entryId);
        heldKey = processedKey;
    }

    /** The event of {@code entryId} was handled already: acknowledged with the batch, not counted by finish. */
    void duplicate(StreamMessageId entryId) {
        toAcknowledge.add(entryId);
        duplicates++;
    }

    /** Called before the consumer does anything about the batch's next entry: the last handler's key is sent now. */
    void beforeNextEntry() {
        sendHeldKey();
    }

    private void sendHeldKey() {
        if (heldKey != null) {
            keyWrites.add(redisson.getBucket(heldKey, StringCodec.INSTANCE).setAsync("1", settings.dedupeWindow()));
            heldKey = null;
        }
    }

    /**
     * Waits for the keys, then acknowledges the batch's entries in one XACK, with the last key in one MULTI/EXEC when
     * every earlier key was answered already; returns how many handled entries it acknowledged (duplicates are counted
     * apart). A key that could not be written throws, and nothing is acknowledged: the entries stay pending and come
     * back.
     */
    int finish() {
        if (heldKey != null && keyWrites.stream().allMatch(BatchRecord::succeeded)) {
            RBatch atomic = redisson.createBatch(
                    BatchOptions.defaults().executionMode(BatchOptions.ExecutionMode.IN_MEMORY_ATOMIC));
            atomic.getBucket(heldKey, StringCodec.INSTANCE).setAsync("1", settings.dedupeWindow());
            atomic.<String, String>getStream(settings.stream(), StringCodec.INSTANCE)
                    .ackAsync(settings.group(), toAcknowledge.toArray(StreamMessageId[]::new));
            heldKey = null;
            atomic.execute();
            return toAcknowledge.size() - duplicates;
        }
        sendHeldKey();
        for (RFuture<Void> write : keyWrites) {
            write.toCompletableFuture().join();
        }
        if (!toAcknowledge.isEmpty()) {
            RStream<String, String> stream = redisson.getStream(settings.stream(), StringCodec.INSTANCE);
            stream.ack(settings.group(), toAcknowledge.toArray(StreamMessageId[]::new));
        }
        return toAcknowledge.size() - duplicates;
    }

    private static boolean succeeded(RFuture<Void> write) {
        return write.toCompletableFuture().isDone() && !write.toCompletableFuture().isCompletedExceptionally();
    }
}
