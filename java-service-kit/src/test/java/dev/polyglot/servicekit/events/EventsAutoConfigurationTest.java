package dev.polyglot.servicekit.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.polyglot.contracts.EventTypes;
import dev.polyglot.contracts.Streams;
import dev.polyglot.contracts.events.UserRegistered;
import dev.polyglot.servicekit.sample.SampleApplication;
import dev.polyglot.servicekit.testing.PrivateRedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A service gets the backbone from the kit alone: publisher and consumers wired to its Redis and its name. A Redis of
 * its own, because a typed event goes to its type's stream (platform.events), which other tests must not see.
 */
@SpringBootTest(classes = SampleApplication.class, properties = PrivateRedisServer.NOT_A_CLUSTER)
class EventsAutoConfigurationTest {

    private static final PrivateRedisServer REDIS = PrivateRedisServer.start();

    @Autowired
    private EventPublisher publisher;

    @Autowired
    private StreamConsumers consumers;

    @Autowired
    private EventsProperties properties;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("REDIS_URL", REDIS::url);
    }

    @AfterAll
    static void stopRedis() {
        REDIS.close();
    }

    @Test
    void aTypedEventNamesTheServiceAndReachesATypedHandlerStartedThroughTheRegistry() {
        List<TypedEvent<UserRegistered>> received = new CopyOnWriteArrayList<>();
        StreamConsumer consumer = consumers.start(consumers.settings(Streams.PLATFORM_EVENTS, "spring-group")
                        .withBlock(Duration.ofMillis(100)),
                EventHandlers.builder().on(EventTypes.USER_REGISTERED, received::add).build());
        UserRegistered registered = new UserRegistered();
        registered.setUserId(UUID.randomUUID());
        registered.setEmail("ada@example.org");
        registered.setName("Ada");
        registered.setRole(UserRegistered.Role.USER);
        registered.setRegisteredAt(Instant.parse("2026-11-24T17:41:00.123456Z"));

        CloudEvent sent = publisher.publish(registered, "users/" + registered.getUserId());

        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 1);
        assertThat(received.get(0).payload()).isEqualTo(registered);
        assertThat(received.get(0).envelope().source()).isEqualTo("/service-kit-test");
        assertThat(received.get(0).envelope().data().path("user_id").asString())
                .isEqualTo(registered.getUserId().toString());
        assertThat(received.get(0).envelope().data().path("registered_at").asString())
                .isEqualTo("2026-11-24T17:41:00.123456Z");
        assertThat(sent.type()).isEqualTo("user.registered");
        assertThat(sent.dataschema()).isEqualTo(EventTypes.USER_REGISTERED.dataschema());
        assertThat(consumer.settings().consumerName()).isNotBlank();
        assertThat(consumer.settings().batchSize()).isEqualTo(16);
        assertThat(consumer.settings().minIdle()).isEqualTo(Duration.ofSeconds(30));
        assertThat(properties.retentionFor(Streams.PLATFORM_EVENTS)).isEqualTo(100_000);
        consumers.stop();
        assertThat(consumer.isRunning()).isFalse();
    }
}
