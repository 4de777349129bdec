package dev.polyglot.servicekit.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RStream;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.AutoClaimResult;
import org.redisson.api.stream.PendingEntry;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.api.stream.StreamCreateGroupArgs;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.api.stream.StreamReadGroupArgs;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Consumes one stream in one consumer group with at-least-once delivery, on a thread of its own.
 *
 * <ul>
 *   <li>Per batch (read or reclaimed), the idempotency keys of all its events are checked in one pipelined round
 *       trip; an entry whose key exists is acknowledged without calling the handler. An entry is acknowledged only
 *       after its handler returned: its key is written as the handler returns, the batch's entries acknowledged
 *       together at its end ({@link BatchRecord}: the round trips, and what a crash does).</li>
 *   <li>A failed entry stays pending; every reclaim interval XAUTOCLAIM takes over entries idle longer than the
 *       minimum idle time (this consumer's failures and dead consumers' entries alike). The handler runs at most
 *       {@code maxDeliveries} times for an entry: failing on that delivery sends the entry to {@code <stream>.dlq}
 *       with the reason (XADD there, then XACK here: two steps, as the two streams may live on different nodes of a
 *       Redis Cluster; a crash between them dead-letters the entry twice, never loses it); a reclaimed entry
 *       delivered more often (its consumer died mid-handler) goes there without another try.</li>
 *   <li>An entry that is not a CloudEvent goes to the dead-letter stream at once, and so does one whose handler
 *       throws {@link InvalidCloudEventException} (an event breaking its contract, see {@link EventHandlers}).</li>
 *   <li>Redis errors never end the loop: it backs off (100 ms doubling to 5 s) and resumes, recreating the group
 *       when Redis lost it (NOGROUP).</li>
 *   <li>{@link #stop()} stops reading and waits (bounded) for the handler in progress.</li>
 * </ul>
 * Handlers run one at a time, in stream order. Each entry is handled inside a CONSUMER span ({@code process <stream>},
 * see {@link EventTracing}) whose parent is the context the event carries: the handler, what it publishes, the
 * idempotency key or the dead-lettering are all part of the event's trace (the batch's XACK, one for many events,
 * is in none), and its log lines carry its trace id.
 */
public class StreamConsumer {

    private static final Logger log = LoggerFactory.getLogger(StreamConsumer.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final StreamMessageId CURSOR_START = new StreamMessageId(0, 0);
    private static final int MAX_ERROR_LENGTH = 1000;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /**
     * The group's lag from XINFO GROUPS, or -1 when the server does not report it (Redis 6.2 has no such field;
     * 7.x answers nil when it cannot tell). Done in Lua because Redisson's decoder turns both cases into 0.
     */
    private static final String LAG_SCRIPT = """
            for _, group in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
              local fields = {}
              for i = 1, #group, 2 do fields[group[i]] = group[i + 1] end
              if fields['name'] == ARGV[1] then
                if fields['lag'] then return fields['lag'] end
                return -1
              end
            end
            return -1
            """;

    private final RedissonClient redisson;
    private final ConsumerSettings settings;
    private final EventHandler handler;
    private final RStream<String, String> stream;
    private final MeterRegistry meters;
    private final EventTracing tracing;
    private final Tags tags;
    private final Counter consumed;
    private final Counter acked;
    private final Counter retried;
    private final Counter deadLettered;
    private final Counter duplicatesSkipped;
    private final Timer handlerTimer;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong lag = new AtomicLong();
    private final Gauge pendingGauge;
    private volatile Gauge lagGauge;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile boolean running;
    private Thread thread;

    public StreamConsumer(RedissonClient redisson, ConsumerSettings settings, EventHandler handler, MeterRegistry meters,
                          EventTracing tracing) {
        this.redisson = redisson;
        this.tracing = tracing;
        this.settings = settings;
        this.handler = handler;
        this.stream = redisson.getStream(settings.stream(), StringCodec.INSTANCE);
        this.meters = meters;
        this.tags = Tags.of("stream", settings.stream(), "group", settings.group());
        this.consumed = counter("events.consumed", "Entries taken from the stream (read or reclaimed)");
        this.acked = counter("events.acked", "Entries acknowledged after their handler succeeded");
        this.retried = counter("events.retried", "Handler failures; the entry stays pending for another delivery");
        this.deadLettered = counter("events.dead_lettered", "Entries moved to the dead-letter stream");
        this.duplicatesSkipped = counter("events.duplicates_skipped", "Entries whose event id was already handled");
        this.handlerTimer = Timer.builder("event.handler").description("Handler duration").tags(tags)
                .publishPercentileHistogram().register(meters);
        this.pendingGauge = Gauge.builder("events.pending", pending, AtomicLong::doubleValue)
                .description("Entries delivered to the group and not acknowledged (XPENDING)").tags(tags)
                .register(meters);
    }

    public ConsumerSettings settings() {
        return settings;
    }

    public synchronized StreamConsumer start() {
        if (thread != null) {
            throw new IllegalStateException("consumer of " + settings.stream() + " already started");
        }
        running = true;
        thread = new Thread(this::run, "events-" + settings.stream() + "-" + settings.group());
        thread.start();
        return this;
    }

    /** Stops reading, waits up to the shutdown wait for the handler in progress, and returns. */
    public void stop() {
        Thread consumerThread;
        synchronized (this) {
            consumerThread = thread;
            running = false;
        }
        stopRequested.countDown();
        if (consumerThread == null) {
            return;
        }
        try {
            consumerThread.join(settings.shutdownWait().toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        if (consumerThread.isAlive()) {
            // Its entry stays pending and is reclaimed by another consumer after the idle time.
            log.warn("Consumer of {} ({}) did not finish within {}; interrupting it",
                    settings.stream(), settings.group(), settings.shutdownWait());
            consumerThread.interrupt();
        }
        meters.remove(pendingGauge);
        if (lagGauge != null) {
            meters.remove(lagGauge);
        }
    }

    /** True while the consumer thread lives (also while it waits out a Redis outage). */
    public boolean isRunning() {
        Thread consumerThread = thread;
        return consumerThread != null && consumerThread.isAlive();
    }

    private void run() {
        Duration backoff = FIRST_BACKOFF;
        boolean groupReady = false;
        boolean failing = false;
        long nextReclaim = System.nanoTime();
        while (running) {
            try {
                if (!groupReady) {
                    createGroup();
                    groupReady = true;
                }
                if (System.nanoTime() - nextReclaim >= 0) {
                    reclaim();
                    refreshGauges();
                    nextReclaim = System.nanoTime() + settings.reclaimInterval().toNanos();
                }
                Map<StreamMessageId, Map<String, String>> entries = stream.readGroup(settings.group(),
                        settings.consumerName(), StreamReadGroupArgs.neverDelivered()
                                .count(settings.batchSize()).timeout(settings.block()));
                if (failing) {
                    log.info("Consumer of {} ({}) is reading again", settings.stream(), settings.group());
                    failing = false;
                }
                backoff = FIRST_BACKOFF;
                if (entries != null && !entries.isEmpty()) {
                    List<Taken> batch = new ArrayList<>(entries.size());
                    entries.forEach((entryId, fields) -> batch.add(new Taken(entryId, fields, 1)));
                    processBatch(batch);
                }
            } catch (RuntimeException failure) {
                if (!running) {
                    break;
                }
                if (isNoGroup(failure)) {
                    // Redis restarted without its data (or someone deleted the stream): the group must be recreated.
                    log.warn("Group {} of {} is gone; recreating it", settings.group(), settings.stream());
                    groupReady = false;
                } else {
                    log.warn("Consumer of {} ({}): Redis failed ({}); retrying in {} ms", settings.stream(),
                            settings.group(), describe(failure), backoff.toMillis());
                }
                failing = true;
                pause(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
        log.info("Consumer of {} ({}) stopped", settings.stream(), settings.group());
    }

    private void createGroup() {
        try {
            stream.createGroup(StreamCreateGroupArgs.name(settings.group()).id(startId()).makeStream());
        } catch (RuntimeException failure) {
            if (!String.valueOf(failure.getMessage()).contains("BUSYGROUP")) {
                throw failure;
            }
        }
    }

    private StreamMessageId startId() {
        return switch (settings.startId()) {
            case "0", "0-0" -> StreamMessageId.ALL;
            case "$" -> StreamMessageId.NEWEST;
            default -> {
                String[] parts = settings.startId().split("-");
                yield new StreamMessageId(Long.parseLong(parts[0]), parts.length > 1 ? Long.parseLong(parts[1]) : 0);
            }
        };
    }

    /** XAUTOCLAIM loop: takes over idle pending entries, handles them again or dead-letters them. */
    private void reclaim() {
        StreamMessageId cursor = CURSOR_START;
        do {
            AutoClaimResult<String, String> claimed = stream.autoClaim(settings.group(), settings.consumerName(),
                    settings.minIdle().toMillis(), TimeUnit.MILLISECONDS, cursor, settings.batchSize());
            List<Taken> batch = new ArrayList<>();
            for (Map.Entry<StreamMessageId, Map<String, String>> entry : claimed.getMessages().entrySet()) {
                if (!running) {
                    return;
                }
                Taken taken = reclaimed(entry.getKey(), entry.getValue());
                if (taken != null) {
                    batch.add(taken);
                }
            }
            processBatch(batch);
            if (!claimed.getDeletedIds().isEmpty()) {
                log.warn("Pending entries {} of {} were trimmed before anyone handled them; Redis dropped them",
                        claimed.getDeletedIds(), settings.stream());
            }
            cursor = claimed.getNextId();
        } while (running && cursor != null && !CURSOR_START.equals(cursor));
    }

    /** A reclaimed entry to handle again, or null when it was dealt with here (gone, or dead-lettered). */
    private Taken reclaimed(StreamMessageId entryId, Map<String, String> fields) {
        if (fields == null || fields.isEmpty()) {
            // Redis 6.2 returns trimmed entries without fields and keeps them pending: nothing left to handle.
            log.warn("Pending entry {} of {} was trimmed before anyone handled it", entryId, settings.stream());
            stream.ack(settings.group(), entryId);
            return null;
        }
        List<PendingEntry> pendingEntry = stream.listPending(settings.group(), entryId, entryId, 1);
        if (pendingEntry.isEmpty()) {
            return null; // acknowledged in the meantime
        }
        long deliveries = pendingEntry.get(0).getDeliveryCount();
        if (deliveries > settings.maxDeliveries()) {
            String text = fields.get(EventPublisher.FIELD);
            // In a CONSUMER span of the event's trace too, so that its trace shows where the event ended.
            Span span = tracing.startProcess(settings.stream(), settings.group(), parsedOrNull(text));
            try (Tracer.SpanInScope scope = tracing.inScope(span)) {
                String error = "not handled successfully in " + settings.maxDeliveries() + " deliveries: the last"
                        + " attempt ended without an outcome (its consumer stopped or died, see its log)";
                span.error(new IllegalStateException(error));
                deadLetter(entryId, text, deliveries, error);
            } finally {
                span.end();
            }
            return null;
        }
        return new Taken(entryId, fields, deliveries);
    }

    /** An entry taken from the stream (read, or reclaimed), and how often it was delivered. */
    private record Taken(StreamMessageId entryId, Map<String, String> fields, long deliveries) {
    }

    /**
     * Handles a batch in stream order: the idempotency keys of all its well-formed events are checked in one
     * pipelined round trip first; the keys and the acknowledgements are written by a {@link BatchRecord}. An
     * exception (Redis failing) leaves the batch's entries unacknowledged: pending, and handled or skipped again.
     */
    private void processBatch(List<Taken> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<Object> parsed = new ArrayList<>(batch.size());
        RBatch existence = redisson.createBatch(BatchOptions.defaults());
        Map<String, RFuture<Boolean>> keyChecks = new HashMap<>();
        for (Taken taken : batch) {
            Object outcome = parse(taken.fields());
            parsed.add(outcome);
            if (outcome instanceof CloudEvent event) {
                String key = settings.processedKey(event.id());
                keyChecks.computeIfAbsent(key, k -> existence.getBucket(k, StringCodec.INSTANCE).isExistsAsync());
            }
        }
        Set<String> handledBefore = new HashSet<>();
        if (!keyChecks.isEmpty()) {
            existence.execute();
            keyChecks.forEach((key, exists) -> {
                if (exists.toCompletableFuture().join()) {
                    handledBefore.add(key);
                }
            });
        }
        BatchRecord record = new BatchRecord(redisson, settings);
        for (int i = 0; i < batch.size() && running; i++) { // once stopping, the rest stays pending
            Taken taken = batch.get(i);
            record.beforeNextEntry();
            process(taken.entryId(), taken.fields(), taken.deliveries(), parsed.get(i), handledBefore, record);
        }
        acked.increment(record.finish());
    }

    /** The entry's event, or the {@link InvalidCloudEventException} that says why it has none. */
    private static Object parse(Map<String, String> fields) {
        String text = fields.get(EventPublisher.FIELD);
        try {
            if (text == null) {
                throw new InvalidCloudEventException(null, "no " + EventPublisher.FIELD + " field (fields: "
                        + fields.keySet() + ")");
            }
            return CloudEvent.parse(text);
        } catch (InvalidCloudEventException malformed) {
            return malformed;
        }
    }

    private void process(StreamMessageId entryId, Map<String, String> fields, long deliveries, Object parsed,
                         Set<String> handledBefore, BatchRecord record) {
        consumed.increment();
        String text = fields.get(EventPublisher.FIELD);
        if (parsed instanceof InvalidCloudEventException malformed) {
            // Retrying cannot make it valid. Without a cloudevent field, the entry's own fields are kept instead.
            Span span = tracing.startProcess(settings.stream(), settings.group(), (CloudEvent) null);
            try (Tracer.SpanInScope scope = tracing.inScope(span)) {
                span.error(malformed);
                deadLetter(entryId, text != null ? text : JSON.writeValueAsString(fields), deliveries,
                        "malformed event: " + malformed.getMessage());
            } finally {
                span.end();
            }
            return;
        }
        CloudEvent event = (CloudEvent) parsed;
        Span span = tracing.startProcess(settings.stream(), settings.group(), event);
        try (Tracer.SpanInScope scope = tracing.inScope(span)) {
            process(entryId, event, text, deliveries, span, handledBefore, record);
        } catch (RuntimeException redisFailure) {
            span.error(redisFailure);
            throw redisFailure;
        } finally {
            span.end();
        }
    }

    private static CloudEvent parsedOrNull(String text) {
        try {
            return text == null ? null : CloudEvent.parse(text);
        } catch (InvalidCloudEventException malformed) {
            return null;
        }
    }

    /** The handling of a well-formed event, inside its CONSUMER span. */
    private void process(StreamMessageId entryId, CloudEvent event, String text, long deliveries, Span span,
                         Set<String> handledBefore, BatchRecord record) {
        String processedKey = settings.processedKey(event.id());
        // add: the same event twice in one batch, whose key check predates the first one's handling.
        if (!handledBefore.add(processedKey)) {
            record.duplicate(entryId);
            duplicatesSkipped.increment();
            log.debug("Event {} (entry {}) was already handled; skipped", event.id(), entryId);
            return;
        }
        Throwable failure = handle(entryId, event, deliveries);
        if (failure != null) {
            handledBefore.remove(processedKey);
            span.error(failure);
        }
        if (failure instanceof InvalidCloudEventException broken) {
            // The handler found the event itself unusable (EventHandlers: data breaking its contract): as final as a
            // malformed envelope.
            deadLetter(entryId, text, deliveries, "malformed event: " + broken.getMessage());
            return;
        }
        if (failure != null) {
            if (deliveries >= settings.maxDeliveries()) {
                deadLetter(entryId, text, deliveries, describe(failure));
            } else {
                retried.increment();
            }
            return;
        }
        record.handled(entryId, processedKey);
    }

    /** Runs the handler (in the event's CONSUMER span); null when it succeeded, else what it threw. */
    private Throwable handle(StreamMessageId entryId, CloudEvent event, long deliveries) {
        Timer.Sample sample = Timer.start(meters);
        try {
            handler.handle(event);
            return null;
        } catch (InvalidCloudEventException broken) {
            return broken; // dead-lettered with its reason, which says all there is to say
        } catch (Exception | AssertionError failure) {
            log.warn("Handler failed on event {} of {} (entry {}, delivery {}): {}", event.id(), settings.stream(),
                    entryId, deliveries, describe(failure), failure);
            return failure;
        } finally {
            sample.stop(handlerTimer);
        }
    }

    private void deadLetter(StreamMessageId entryId, String text, long deliveries, String error) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(EventPublisher.FIELD, text == null ? "" : text);
        fields.put("stream", settings.stream());
        fields.put("entry_id", entryId.toString());
        fields.put("group", settings.group());
        fields.put("consumer", settings.consumerName());
        fields.put("deliveries", Long.toString(deliveries));
        fields.put("error", error.length() > MAX_ERROR_LENGTH ? error.substring(0, MAX_ERROR_LENGTH) : error);
        fields.put("failed_at", CloudEvent.formatTime(Instant.now()));
        // Two steps, not one MULTI/EXEC: <stream>.dlq (a contract name) hashes to a slot of its own, on another node of
        // a Redis Cluster. Dead letter first: a crash between the two leaves the entry pending, and its redelivery
        // dead-letters it again (a second dead letter with the same entry_id), where the other order could lose it.
        redisson.<String, String>getStream(settings.dlqStream(), StringCodec.INSTANCE)
                .add(StreamAddArgs.entries(fields).trimNonStrict().maxLen(settings.dlqRetention()).noLimit());
        stream.ack(settings.group(), entryId);
        deadLettered.increment();
        log.error("Entry {} of {} moved to {} after {} deliveries: {}", entryId, settings.stream(),
                settings.dlqStream(), deliveries, error);
    }

    private void refreshGauges() {
        pending.set(stream.getPendingInfo(settings.group()).getTotal());
        Long reportedLag = redisson.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, LAG_SCRIPT,
                RScript.ReturnType.LONG, List.of(settings.stream()), settings.group());
        if (reportedLag != null && reportedLag >= 0) {
            lag.set(reportedLag);
            if (lagGauge == null) {
                // Registered only once the server reports a lag, so that Redis 6.2 shows no made-up zero.
                lagGauge = Gauge.builder("events.lag", lag, AtomicLong::doubleValue)
                        .description("Entries of the stream not yet delivered to the group (XINFO GROUPS lag)")
                        .tags(tags).register(meters);
            }
        }
    }

    private void pause(Duration delay) {
        try {
            stopRequested.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).tags(tags).register(meters);
    }

    private static boolean isNoGroup(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (String.valueOf(cause.getMessage()).contains("NOGROUP")) {
                return true;
            }
        }
        return false;
    }

    /** "<exception type>: <message>", the form of the dead-letter reason. */
    private static String describe(Throwable failure) {
        return failure.getClass().getName() + ": " + failure.getMessage();
    }
}
