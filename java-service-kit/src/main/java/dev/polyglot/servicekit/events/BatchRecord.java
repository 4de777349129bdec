package dev.polyglot.servicekit.events;

import java.util.ArrayList;
import java.util.List;
import org.redisson.api.RFuture;
import org.redisson.api.RStream;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;

/**
 * What a consumer writes to Redis about one batch of entries: the idempotency key of each event whose handler
 * succeeded, and the acknowledgement of the batch's entries.
 *
 * <p>The key is what keeps an event handled once (a redelivered entry whose key exists is skipped), so it is sent as
 * soon as the handler returns ({@code SET ... PX}, asynchronously: Redisson writes it at once and the consumer goes on
 * with the next entry without waiting for the answer). The acknowledgement only spares a redelivery, which the key
 * turns into a skip: the batch's entries are acknowledged together in one XACK at the end of the batch, once every key
 * was answered. A consumer that dies after a handler returned and before its key reached Redis makes that event's
 * handler run twice, as it did when each entry had its own MULTI/EXEC; one that dies before the batch's XACK leaves
 * its entries pending, and whoever reclaims them skips them as duplicates.
 */
final class BatchRecord {

    private final RedissonClient redisson;
    private final ConsumerSettings settings;
    private final List<StreamMessageId> toAcknowledge = new ArrayList<>();
    private final List<RFuture<Void>> keyWrites = new ArrayList<>();
    private int duplicates;

    BatchRecord(RedissonClient redisson, ConsumerSettings settings) {
        this.redisson = redisson;
        this.settings = settings;
    }

    /** The handler of {@code entryId} succeeded: its key is sent now, the entry acknowledged with the batch. */
    void handled(StreamMessageId entryId, String processedKey) {
        toAcknowledge.add(entryId);
        keyWrites.add(redisson.getBucket(processedKey, StringCodec.INSTANCE).setAsync("1", settings.dedupeWindow()));
    }

    /** The event of {@code entryId} was handled already: acknowledged with the batch, not counted by finish. */
    void duplicate(StreamMessageId entryId) {
        toAcknowledge.add(entryId);
        duplicates++;
    }

    /**
     * Waits for the keys, then acknowledges the batch's entries in one XACK; returns how many handled entries it
     * acknowledged (duplicates are counted apart). A key that could not be written throws, and nothing is
     * acknowledged: the entries stay pending and come back.
     */
    int finish() {
        for (RFuture<Void> write : keyWrites) {
            write.toCompletableFuture().join();
        }
        if (!toAcknowledge.isEmpty()) {
            RStream<String, String> stream = redisson.getStream(settings.stream(), StringCodec.INSTANCE);
            stream.ack(settings.group(), toAcknowledge.toArray(StreamMessageId[]::new));
        }
        return toAcknowledge.size() - duplicates;
    }
}
