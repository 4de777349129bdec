package dev.polyglot.servicekit.events;

import static dev.polyglot.servicekit.events.EventsTestSupport.GROUP;
import static dev.polyglot.servicekit.events.EventsTestSupport.entries;
import static dev.polyglot.servicekit.events.EventsTestSupport.fastSettings;
import static dev.polyglot.servicekit.events.EventsTestSupport.pending;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.polyglot.contracts.EventTypes;
import dev.polyglot.contracts.Streams;
import dev.polyglot.contracts.events.NotificationBroadcast;
import dev.polyglot.contracts.events.UserDeleted;
import dev.polyglot.servicekit.contract.ContractViolationException;
import dev.polyglot.servicekit.events.tool.EventsTool;
import dev.polyglot.servicekit.testing.PrivateRedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * Typed publishing and the typed dispatcher against a real Redis of the test's own: typed events go to their type's
 * stream, platform.events, which no other test may see.
 */
class TypedEventsTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static PrivateRedisServer redis;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private RedissonClient redisson;
    private EventPublisher publisher;
    private StreamConsumer consumer;

    @BeforeAll
    static void startRedis() {
        redis = PrivateRedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void connect() {
        redisson = EventsTool.connect(redis.url());
        redisson.getKeys().flushdb();
        publisher = EventsTestSupport.publisher(redisson, meters);
    }

    @AfterEach
    void disconnect() {
        if (consumer != null) {
            consumer.stop();
        }
        redisson.shutdown();
    }

    @Test
    void aPayloadGoesToItsTypesStreamAndComesBackTyped() {
        List<TypedEvent<UserDeleted>> deleted = new CopyOnWriteArrayList<>();
        consume(EventHandlers.builder().on(EventTypes.USER_DELETED, deleted::add).build());
        UserDeleted payload = userDeleted(UUID.randomUUID());

        CloudEvent sent = publisher.publish(payload, "users/" + payload.getUserId());

        await().atMost(DEADLINE).until(() -> deleted.size() == 1);
        assertThat(deleted.get(0).payload()).isEqualTo(payload);
        assertThat(deleted.get(0).envelope().id()).isEqualTo(sent.id());
        assertThat(sent.type()).isEqualTo("user.deleted");
        assertThat(sent.subject()).isEqualTo("users/" + payload.getUserId());
        assertThat(entries(redisson, Streams.PLATFORM_EVENTS)).hasSize(1);
        await().atMost(DEADLINE).until(() -> pending(redisson, Streams.PLATFORM_EVENTS) == 0);
    }

    @Test
    void aPayloadThatBreaksItsContractIsNeverWritten() {
        NotificationBroadcast empty = new NotificationBroadcast();
        empty.setBroadcastId(UUID.randomUUID());
        empty.setMessage("");
        empty.setSeverity(NotificationBroadcast.Severity.INFO);
        empty.setSentAt(Instant.now());

        assertThatThrownBy(() -> publisher.publish(empty))
                .isInstanceOf(ContractViolationException.class)
                .hasMessage("NotificationBroadcast breaks its contract: /message: size must be between 1 and 2000; "
                        + "/sent_by: must not be null");
        assertThatThrownBy(() -> publisher.publish(Map.of("user_id", "42")))
                .as("not a payload class of the contracts")
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(redisson.getStream(Streams.PLATFORM_EVENTS).isExists()).isFalse();
    }

    @Test
    void dataBreakingItsContractIsDeadLetteredAtOnceAndLaterEventsFlow() {
        List<TypedEvent<UserDeleted>> deleted = new CopyOnWriteArrayList<>();
        consume(EventHandlers.builder().on(EventTypes.USER_DELETED, deleted::add).build());
        CloudEvent broken = CloudEvent.create("/auth-service", "user.deleted", null,
                EventsTestSupport.tree(Map.of("user_id", "42", "deleted_by", UUID.randomUUID().toString(),
                        "deleted_at", "2026-11-24T17:41:00Z")));
        publisher.publish(Streams.PLATFORM_EVENTS, broken);
        UserDeleted fine = userDeleted(UUID.randomUUID());
        publisher.publish(fine);

        await().atMost(DEADLINE).until(() -> deleted.size() == 1);
        assertThat(deleted.get(0).payload()).isEqualTo(fine);
        List<Map<String, String>> dead = entries(redisson, Streams.PLATFORM_EVENTS_DLQ);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0)).containsEntry("deliveries", "1").containsEntry("group", GROUP);
        assertThat(dead.get(0).get("error")).isEqualTo("malformed event: data: breaks "
                + EventTypes.USER_DELETED.dataschema() + ": /user_id: must be a lower-case UUID, not '42'");
        assertThat(CloudEvent.parse(dead.get(0).get("cloudevent")).id()).isEqualTo(broken.id());
        await().atMost(DEADLINE).until(() -> pending(redisson, Streams.PLATFORM_EVENTS) == 0);
        assertThat(meters.get("events.retried").tag("stream", Streams.PLATFORM_EVENTS).counter().count()).isZero();
    }

    @Test
    void aTypeWithoutAHandlerIsAcknowledgedAndIgnored() {
        List<TypedEvent<UserDeleted>> deleted = new CopyOnWriteArrayList<>();
        consume(EventHandlers.builder().on(EventTypes.USER_DELETED, deleted::add).build());
        NotificationBroadcast broadcast = new NotificationBroadcast();
        broadcast.setBroadcastId(UUID.randomUUID());
        broadcast.setMessage("Restart at 22:00");
        broadcast.setSeverity(NotificationBroadcast.Severity.WARNING);
        broadcast.setSentBy(UUID.randomUUID());
        broadcast.setSentAt(Instant.now());

        publisher.publish(broadcast);
        publisher.publish(userDeleted(UUID.randomUUID()));

        await().atMost(DEADLINE).until(() -> deleted.size() == 1);
        await().atMost(DEADLINE).until(() -> pending(redisson, Streams.PLATFORM_EVENTS) == 0);
        assertThat(meters.get("events.acked").tag("stream", Streams.PLATFORM_EVENTS).counter().count()).isEqualTo(2);
        assertThat(redisson.getStream(Streams.PLATFORM_EVENTS_DLQ).isExists()).isFalse();
    }

    @Test
    void aHandlerIsRegisteredOncePerType() {
        EventHandlers.Builder builder = EventHandlers.builder().on(EventTypes.USER_DELETED, event -> {
        });

        assertThatThrownBy(() -> builder.on(EventTypes.USER_DELETED, event -> {
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("user.deleted");
        assertThatThrownBy(() -> EventHandlers.builder().build()).isInstanceOf(IllegalStateException.class);
    }

    private void consume(EventHandlers handlers) {
        consumer = new StreamConsumer(redisson, fastSettings(Streams.PLATFORM_EVENTS, "c1"), handlers, meters,
                EventsTestSupport.TRACING).start();
    }

    private static UserDeleted userDeleted(UUID userId) {
        UserDeleted payload = new UserDeleted();
        payload.setUserId(userId);
        payload.setDeletedBy(UUID.randomUUID());
        payload.setDeletedAt(Instant.parse("2026-11-24T17:41:00.5Z"));
        return payload;
    }
}
