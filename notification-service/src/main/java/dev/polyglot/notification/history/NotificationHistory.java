package dev.polyglot.notification.history;

import dev.polyglot.notification.NotificationProperties;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.client.protocol.ScoredEntry;
import tools.jackson.databind.json.JsonMapper;

/**
 * The capped history of every topic in Redis, for GET /api/notifications and for replay after a reconnect.
 *
 * <p>Keys: {@code {notification}:history:<topic>} is a sorted set of Notification JSON scored by a platform-wide
 * sequence ({@code {notification}:sequence}), trimmed to the newest {@code history-cap}; {@code
 * {notification}:position:<event id>} maps an event id to its sequence (for {@code last_event_id} and
 * {@code Last-Event-ID}) for {@code history-ttl}. One sequence for all topics is what lets a reader's topics merge
 * into one timeline and a reconnect resume across all of them from one event id.
 *
 * <p>The hash tag {@code {notification}} puts all three in one slot, as the append script needs them in a Redis
 * Cluster (a script's keys must share a slot): the sequence, every topic's history and every position live on one
 * node. That is the price of one timeline; the history is small (capped per topic, positions expiring).
 */
public class NotificationHistory {

    private static final String SEQUENCE_KEY = "{notification}:sequence";
    private static final String HISTORY_PREFIX = "{notification}:history:";
    private static final String POSITION_PREFIX = "{notification}:position:";

    /**
     * Idempotent on the event id: a redelivered event keeps its first position and is not stored twice. With a
     * channel (ARGV[4]), the fan-out message (ARGV[5], a JSON object without a sequence) is published in the same
     * script with its sequence put first, also for a redelivered event: the sequence is taken and the message
     * published in one step, so every subscriber receives the notifications in the order of their sequences.
     */
    private static final String APPEND = """
            local sequence = tonumber(redis.call('GET', KEYS[3]))
            if not sequence then
              sequence = redis.call('INCR', KEYS[1])
              redis.call('ZADD', KEYS[2], sequence, ARGV[1])
              redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[2]) + 1))
              redis.call('SET', KEYS[3], sequence, 'PX', ARGV[3])
            end
            if ARGV[4] then
              redis.call('PUBLISH', ARGV[4], '{"sequence":' .. sequence .. ',' .. string.sub(ARGV[5], 2))
            end
            return sequence
            """;

    private final RedissonClient redisson;
    private final NotificationProperties properties;
    private final JsonMapper json;

    public NotificationHistory(RedissonClient redisson, NotificationProperties properties, JsonMapper json) {
        this.redisson = redisson;
        this.properties = properties;
        this.json = json;
    }

    /** Stores a notification (once per event id) and returns it with its sequence. Blocking. */
    public StoredNotification append(Notification notification) {
        return append(notification, List.of());
    }

    /**
     * Stores a notification (once per event id) and, in the same script, publishes {@code message} (a JSON object
     * without a {@code sequence} field) on {@code channel} with {@code "sequence": n} put first; see
     * {@code NotificationFanout#publish(Notification, NotificationHistory)}. Blocking.
     */
    public StoredNotification appendAndPublish(Notification notification, String channel, String message) {
        if (!message.startsWith("{\"")) {
            throw new IllegalArgumentException("not a JSON object with fields: " + message);
        }
        return append(notification, List.of(channel, message));
    }

    private StoredNotification append(Notification notification, List<String> publication) {
        List<Object> arguments = new ArrayList<>(List.of(json.writeValueAsString(notification),
                Integer.toString(properties.historyCap()), Long.toString(properties.historyTtl().toMillis())));
        arguments.addAll(publication);
        Long sequence = redisson.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, APPEND,
                RScript.ReturnType.LONG,
                List.of(SEQUENCE_KEY, HISTORY_PREFIX + notification.topic(), POSITION_PREFIX + notification.id()),
                arguments.toArray());
        return new StoredNotification(sequence, notification);
    }

    /** Newest first, the topics merged; with optional filters. Blocking. */
    public Page page(Set<String> topics, int page, int size, String type, Instant since) {
        Predicate<StoredNotification> wanted = stored -> (type == null || type.equals(stored.notification().type()))
                && (since == null || !stored.notification().timestamp().isBefore(since));
        List<StoredNotification> all = new ArrayList<>();
        for (String topic : topics) {
            all.addAll(parse(history(topic).entryRangeReversed(0, -1)));
        }
        List<StoredNotification> matching = all.stream().filter(wanted)
                .sorted(Comparator.comparingLong(StoredNotification::sequence).reversed()).toList();
        int from = (int) Math.min((long) page * size, matching.size());
        int to = Math.min(from + size, matching.size());
        return new Page(matching.subList(from, to).stream().map(StoredNotification::notification).toList(),
                page, size, matching.size(), (matching.size() + size - 1) / size);
    }

    /**
     * What a reader missed after the event {@code lastEventId}, oldest first, at most {@code replay-limit}. An id
     * the history no longer knows (or never knew) replays what is kept, the newest {@code replay-limit}. Blocking.
     */
    public List<StoredNotification> after(String lastEventId, Set<String> topics) {
        String position = redisson.<String>getBucket(POSITION_PREFIX + lastEventId, StringCodec.INSTANCE).get();
        long after = position == null ? 0 : Long.parseLong(position);
        List<StoredNotification> missed = new ArrayList<>();
        for (String topic : topics) {
            missed.addAll(parse(history(topic).entryRange(after, false, Double.POSITIVE_INFINITY, true)));
        }
        missed.sort(Comparator.comparingLong(StoredNotification::sequence));
        int limit = properties.replayLimit();
        return missed.size() <= limit ? missed : missed.subList(missed.size() - limit, missed.size());
    }

    private org.redisson.api.RScoredSortedSet<String> history(String topic) {
        return redisson.getScoredSortedSet(HISTORY_PREFIX + topic, StringCodec.INSTANCE);
    }

    private List<StoredNotification> parse(Collection<ScoredEntry<String>> entries) {
        return entries.stream().map(entry -> new StoredNotification(entry.getScore().longValue(),
                json.readValue(entry.getValue(), Notification.class))).toList();
    }

    /** One page of the contract's NotificationPage. */
    public record Page(List<Notification> items, int page, int size, int totalItems, int totalPages) {
    }
}
