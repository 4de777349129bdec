package dev.polyglot.servicekit.events;

import static dev.polyglot.servicekit.events.EventsTestSupport.GROUP;
import static dev.polyglot.servicekit.events.EventsTestSupport.entries;
import static dev.polyglot.servicekit.events.EventsTestSupport.fastSettings;
import static dev.polyglot.servicekit.events.EventsTestSupport.pending;
import static dev.polyglot.servicekit.events.EventsTestSupport.uniqueStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RScript;
import org.redisson.api.RStream;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.api.stream.StreamCreateGroupArgs;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.api.stream.StreamReadGroupArgs;
import org.redisson.client.codec.StringCodec;

/** The consumer's delivery guarantees against the tests' real Redis (REDIS_URL, or REDIS_CLUSTER_NODES's cluster). */
class StreamConsumerTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private final EventsTestSupport.Backbone backbone = new EventsTestSupport.Backbone(EventsTestSupport.TRACING);
    private final SimpleMeterRegistry meters = backbone.meters;
    private final RedissonClient redisson = backbone.redisson;
    private final EventPublisher publisher = backbone.publisher;

    @AfterEach
    void disconnect() {
        backbone.close();
    }

    private StreamConsumer start(ConsumerSettings settings, EventHandler handler) {
        return backbone.start(settings, handler);
    }

    @Test
    void publishedEventsAreOneSnakeCaseEntryAndCounted() {
        String stream = uniqueStream("publish");
        CloudEvent published = EventsTestSupport.publish(publisher, stream, "test.ping", Map.of("display_name", "Ada"),
                "users/1");

        CloudEvent written = CloudEvent.parse(entries(redisson, stream).get(0).get(EventPublisher.FIELD));
        assertThat(written.id()).isEqualTo(published.id());
        assertThat(written.data().path("display_name").asString()).as("snake_case payload").isEqualTo("Ada");
        assertThat(written.subject()).isEqualTo("users/1");
        assertThat(meters.get("events.published").tag("stream", stream).tag("type", "test.ping").counter().count())
                .isEqualTo(1);
    }

    @Test
    void entriesAreOneFieldTrimmedApproximatelyToTheRetention() {
        String stream = uniqueStream("trim");
        EventsProperties defaults = EventsProperties.defaults();
        EventsProperties small = new EventsProperties(Map.of(stream, 100), null, defaults.defaultRetention(),
                defaults.dlqRetention(), defaults.consumer());
        EventPublisher trimming = new EventPublisher(redisson, small, "/events-test", meters,
                EventsTestSupport.TRACING);

        for (int i = 0; i < 1000; i++) {
            EventsTestSupport.publish(trimming, stream, "test.fill", Map.of("n", i));
        }

        List<Map<String, String>> kept = entries(redisson, stream);
        // MAXLEN ~ trims whole macro nodes (100 entries by default): at least the retention, far less than written.
        assertThat(kept.size()).isBetween(100, 300);
        assertThat(kept).allSatisfy(fields -> assertThat(fields).containsOnlyKeys(EventPublisher.FIELD));
        assertThat(defaults.retentionFor("platform.events")).as("the contract's retention").isEqualTo(100_000);
        assertThat(defaults.retentionFor("inference.jobs")).isEqualTo(10_000);
        assertThat(defaults.retentionFor("platform.events.dlq")).isEqualTo(10_000);
    }

    @Test
    void failingEntryStaysPendingThenGoesToTheDeadLetterStreamWhileLaterEntriesFlow() {
        String stream = uniqueStream("dlq");
        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicInteger poisonAttempts = new AtomicInteger();
        start(fastSettings(stream, "c1").withMaxDeliveries(3), event -> {
            if (event.data().path("poison").asBoolean()) {
                poisonAttempts.incrementAndGet();
                throw new IllegalStateException("boom");
            }
            handled.add(event.id());
        });
        CloudEvent poison = EventsTestSupport.publish(publisher, stream, "test.poison", Map.of("poison", true));

        await().atMost(DEADLINE).until(() -> count("events.retried", stream) >= 1);
        assertThat(entries(redisson, stream + ".dlq")).isEmpty();
        assertThat(pending(redisson, stream)).as("not acknowledged after a failure").isEqualTo(1);

        await().atMost(DEADLINE).until(() -> entries(redisson, stream + ".dlq").size() == 1);
        Map<String, String> dead = entries(redisson, stream + ".dlq").get(0);
        assertThat(dead).containsOnlyKeys("cloudevent", "stream", "entry_id", "group", "consumer", "deliveries",
                "error", "failed_at");
        assertThat(CloudEvent.parse(dead.get("cloudevent")).id()).isEqualTo(poison.id());
        assertThat(dead).containsEntry("stream", stream).containsEntry("group", GROUP).containsEntry("consumer", "c1")
                .containsEntry("deliveries", "3").containsEntry("error", "java.lang.IllegalStateException: boom");
        assertThat(dead.get("failed_at")).endsWith("Z");
        assertThat(count("events.retried", stream)).isEqualTo(2);
        assertThat(poisonAttempts).as("the handler ran on each of the 3 deliveries").hasValue(3);

        CloudEvent later = EventsTestSupport.publish(publisher, stream, "test.fine", Map.of("poison", false));
        await().atMost(DEADLINE).until(() -> handled.contains(later.id()));
        await().atMost(DEADLINE).until(() -> pending(redisson, stream) == 0);
        assertThat(count("events.dead_lettered", stream)).isEqualTo(1);
        assertThat(count("events.acked", stream)).isEqualTo(1);
    }

    @Test
    void anEntryWhoseConsumerDiedBetweenDeadLetteringAndAcknowledgingIsDeadLetteredAgainNotLost() {
        String stream = uniqueStream("dlq-twice");
        RStream<String, String> raw = redisson.getStream(stream, StringCodec.INSTANCE);
        raw.createGroup(StreamCreateGroupArgs.name(GROUP).id(StreamMessageId.ALL).makeStream());
        CloudEvent event = EventsTestSupport.publish(publisher, stream, "test.poison", Map.of());
        // A consumer took the entry for the third time, failed, wrote the dead letter (step one) and died before its
        // XACK (step two): the entry is still pending, delivered three times.
        StreamMessageId entryId = raw.readGroup(GROUP, "ghost", StreamReadGroupArgs.neverDelivered().count(1))
                .keySet().iterator().next();
        raw.claim(GROUP, "ghost", 0, TimeUnit.MILLISECONDS, entryId);
        raw.claim(GROUP, "ghost", 0, TimeUnit.MILLISECONDS, entryId);
        redisson.<String, String>getStream(stream + ".dlq", StringCodec.INSTANCE).add(StreamAddArgs.entries(Map.of(
                EventPublisher.FIELD, event.toJsonText(), "entry_id", entryId.toString(), "consumer", "ghost")));
        List<String> handled = new CopyOnWriteArrayList<>();

        start(fastSettings(stream, "c1").withMaxDeliveries(2), seen -> handled.add(seen.id()));

        await().atMost(DEADLINE).until(() -> pending(redisson, stream) == 0);
        assertThat(entries(redisson, stream + ".dlq")).as("a second dead letter of the same entry")
                .extracting(fields -> fields.get("entry_id"), fields -> fields.get("consumer"))
                .containsExactly(tuple(entryId.toString(), "ghost"), tuple(entryId.toString(), "c1"));
        assertThat(handled).as("not handled again").isEmpty();
    }

    @Test
    void malformedEntriesGoToTheDeadLetterStreamAtOnce() {
        String stream = uniqueStream("malformed");
        List<String> handled = new CopyOnWriteArrayList<>();
        start(fastSettings(stream, "c1").withMinIdle(Duration.ofMinutes(1)), event -> handled.add(event.id()));
        RStream<String, String> raw = redisson.getStream(stream, StringCodec.INSTANCE);
        raw.add(StreamAddArgs.entry("payload", "{}"));
        raw.add(StreamAddArgs.entry(EventPublisher.FIELD, "{not json"));
        raw.add(StreamAddArgs.entry(EventPublisher.FIELD, CloudEvent.create("/t", "test.malformed", null, null).toJsonText()
                .replaceFirst("\"id\":\"[^\"]+\"", "\"id\":\"not-a-uuid\"")));
        CloudEvent fine = EventsTestSupport.publish(publisher, stream, "test.fine", Map.of());

        await().atMost(DEADLINE).until(() -> handled.contains(fine.id()));
        List<Map<String, String>> dead = entries(redisson, stream + ".dlq");
        assertThat(dead).extracting(fields -> fields.get("error")).satisfiesExactly(
                error -> assertThat(error).startsWith("malformed event: no cloudevent field"),
                error -> assertThat(error).startsWith("malformed event: not JSON"),
                error -> assertThat(error).startsWith("malformed event: id: not a UUID"));
        assertThat(dead).allSatisfy(fields -> assertThat(fields).containsEntry("deliveries", "1"));
        assertThat(dead.get(0)).as("an entry without the field is kept whole")
                .containsEntry("cloudevent", "{\"payload\":\"{}\"}");
        assertThat(dead.get(1)).containsEntry("cloudevent", "{not json");
        await().atMost(DEADLINE).until(() -> pending(redisson, stream) == 0);
    }

    @Test
    void anEventIdIsHandledOnceEvenWhenItsEntryIsDeliveredAgain() {
        String stream = uniqueStream("dedupe");
        RStream<String, String> raw = redisson.getStream(stream, StringCodec.INSTANCE);
        raw.createGroup(StreamCreateGroupArgs.name(GROUP).id(StreamMessageId.ALL).makeStream());
        CloudEvent event = CloudEvent.create("/t", "test.once", null, null);
        // Entry 1 is taken by a consumer that then dies: it stays pending until reclaimed.
        publisher.publish(stream, event);
        assertThat(raw.readGroup(GROUP, "ghost", StreamReadGroupArgs.neverDelivered().count(1))).hasSize(1);
        // Entry 2 and 3: the producer sent the same event again.
        publisher.publish(stream, event);
        publisher.publish(stream, event);
        List<String> handled = new CopyOnWriteArrayList<>();

        start(fastSettings(stream, "c1"), seen -> handled.add(seen.id()));

        await().atMost(DEADLINE).until(() -> count("events.duplicates_skipped", stream) == 2);
        await().atMost(DEADLINE).until(() -> pending(redisson, stream) == 0);
        assertThat(handled).containsExactly(event.id());
        assertThat(redisson.getBucket(processedKey(stream, event.id()), StringCodec.INSTANCE)
                .remainTimeToLive()).isBetween(Duration.ofHours(23).toMillis(), Duration.ofHours(24).toMillis());
    }

    @Test
    void aBatchWithSomeEventsHandledAlreadyHandlesOnlyTheNewOnes() {
        String stream = uniqueStream("batch-dedupe");
        RStream<String, String> raw = redisson.getStream(stream, StringCodec.INSTANCE);
        raw.createGroup(StreamCreateGroupArgs.name(GROUP).id(StreamMessageId.ALL).makeStream());
        List<CloudEvent> events = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            CloudEvent event = CloudEvent.create("/t", "test.batch", null, null);
            events.add(event);
            if (i % 2 == 0) { // handled by an earlier consumer of the group: its key exists
                redisson.getBucket(processedKey(stream, event.id()), StringCodec.INSTANCE)
                        .set("1", Duration.ofMinutes(1));
            }
            publisher.publish(stream, event);
        }
        publisher.publish(stream, events.get(1)); // and a new one twice in the same batch
        List<String> handled = new CopyOnWriteArrayList<>();

        start(fastSettings(stream, "c1"), seen -> handled.add(seen.id()));

        await().atMost(DEADLINE).until(() -> count("events.acked", stream) == 3);
        assertThat(handled).containsExactly(events.get(1).id(), events.get(3).id(), events.get(5).id());
        assertThat(count("events.duplicates_skipped", stream)).isEqualTo(4);
        assertThat(pending(redisson, stream)).isZero();
        assertThat(events).allSatisfy(event -> assertThat(redisson.getBucket(
                processedKey(stream, event.id()), StringCodec.INSTANCE).isExists()).isTrue());
    }

    @Test
    void eachHandlersKeyIsInRedisWhileTheNextHandlerOfItsBatchRuns() {
        // The key, not the batch's XACK, keeps an event handled once: it must be out before the next handler starts
        // (decision 0022), not held for the MULTI/EXEC that ends the batch.
        String stream = uniqueStream("key-before-next");
        RStream<String, String> raw = redisson.getStream(stream, StringCodec.INSTANCE);
        raw.createGroup(StreamCreateGroupArgs.name(GROUP).id(StreamMessageId.ALL).makeStream());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) { // published before the consumer starts: one batch
            CloudEvent event = CloudEvent.create("/t", "test.keys", null, null);
            ids.add(event.id());
            publisher.publish(stream, event);
        }
        List<Boolean> earlierKeyWritten = new CopyOnWriteArrayList<>();
        List<Long> pendingMeanwhile = new CopyOnWriteArrayList<>();

        start(fastSettings(stream, "c1"), seen -> {
            int index = ids.indexOf(seen.id());
            if (index > 0) {
                String earlierKey = processedKey(stream, ids.get(index - 1));
                // Polled briefly: the key went out on another of Redisson's connections just before this handler.
                long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                boolean written = redisson.getBucket(earlierKey, StringCodec.INSTANCE).isExists();
                while (!written && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                    written = redisson.getBucket(earlierKey, StringCodec.INSTANCE).isExists();
                }
                earlierKeyWritten.add(written);
                pendingMeanwhile.add(pending(redisson, stream));
            }
        });

        await().atMost(DEADLINE).until(() -> count("events.acked", stream) == 3);
        assertThat(earlierKeyWritten).containsExactly(true, true);
        assertThat(pendingMeanwhile).containsExactly(3L, 3L); // acknowledged with the batch, after its last handler
        assertThat(pending(redisson, stream)).isZero();
        assertThat(ids).allSatisfy(id -> assertThat(redisson.getBucket(
                processedKey(stream, id), StringCodec.INSTANCE).isExists()).isTrue());
    }

    @Test
    void stopWaitsForTheHandlerInProgressAndAcknowledgesIt() throws InterruptedException {
        String stream = uniqueStream("shutdown");
        CountDownLatch handlerStarted = new CountDownLatch(1);
        AtomicBoolean handlerFinished = new AtomicBoolean();
        StreamConsumer consumer = start(fastSettings(stream, "c1"), event -> {
            handlerStarted.countDown();
            Thread.sleep(500);
            handlerFinished.set(true);
        });
        EventsTestSupport.publish(publisher, stream, "test.slow", Map.of());
        assertThat(handlerStarted.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        consumer.stop();

        assertThat(handlerFinished).isTrue();
        assertThat(consumer.isRunning()).isFalse();
        assertThat(pending(redisson, stream)).isZero();
    }

    @Test
    void metricsCarryStreamAndGroup() {
        String stream = uniqueStream("metrics");
        start(fastSettings(stream, "c1"), event -> {
        });
        EventsTestSupport.publish(publisher, stream, "test.metric", Map.of());

        await().atMost(DEADLINE).until(() -> count("events.acked", stream) == 1);
        for (String counter : List.of("events.consumed", "events.acked", "events.retried", "events.dead_lettered",
                "events.duplicates_skipped")) {
            assertThat(meters.get(counter).tag("stream", stream).tag("group", GROUP).counter()).as(counter).isNotNull();
        }
        assertThat(meters.get("event.handler").tag("stream", stream).tag("group", GROUP).timer().count()).isEqualTo(1);
        assertThat(meters.get("events.pending").tag("stream", stream).tag("group", GROUP).gauge()).isNotNull();
        // Redis 7 reports the lag; 6.2 does not, and then the gauge is absent rather than a made-up zero.
        if (redisMajorVersion() >= 7) {
            await().atMost(DEADLINE).until(() -> meters.find("events.lag").tag("stream", stream).gauge() != null);
        } else {
            await().during(Duration.ofSeconds(1)).atMost(DEADLINE)
                    .until(() -> meters.find("events.lag").tag("stream", stream).gauge() == null);
        }
    }

    private int redisMajorVersion() {
        String info = redisson.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_ONLY,
                "return redis.call('INFO', 'server')", RScript.ReturnType.VALUE);
        return Integer.parseInt(info.replaceAll("(?s).*redis_version:(\\d+).*", "$1"));
    }

    private double count(String counter, String stream) {
        var found = meters.find(counter).tag("stream", stream).counter();
        return found == null ? 0 : found.count();
    }

    /** The dedupe key both kits write: the stream's name as its hash tag, so that it shares the stream's slot. */
    private static String processedKey(String stream, String eventId) {
        return "{" + stream + "}:" + GROUP + ":processed:" + eventId;
    }
}
