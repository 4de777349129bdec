package dev.polyglot.servicekit.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.polyglot.servicekit.sample.SampleApplication;
import dev.polyglot.servicekit.testing.RequiredEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A service gets the backbone from the kit alone: publisher and consumers wired to its Redis and its name. */
@SpringBootTest(classes = SampleApplication.class)
class EventsAutoConfigurationTest {

    /** A payload type as a service writes it: camelCase in Java, snake_case on the wire. */
    record UserRegistered(String userId) {
    }

    @Autowired
    private EventPublisher publisher;

    @Autowired
    private StreamConsumers consumers;

    @Autowired
    private EventsProperties properties;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("REDIS_URL", () -> RequiredEnvironment.get("REDIS_URL"));
    }

    @Test
    void publishedEventsNameTheServiceAndReachAConsumerStartedThroughTheRegistry() {
        String stream = EventsTestSupport.uniqueStream("spring");
        List<CloudEvent> received = new CopyOnWriteArrayList<>();
        StreamConsumer consumer = consumers.start(consumers.settings(stream, "spring-group")
                .withBlock(Duration.ofMillis(100)), received::add);

        CloudEvent sent = publisher.publish(stream, "user.registered", new UserRegistered("42"));

        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 1);
        assertThat(received.get(0).source()).isEqualTo("/service-kit-test");
        assertThat(received.get(0).data().path("user_id").asString()).as("Boot's snake_case mapper").isEqualTo("42");
        assertThat(sent.dataschema()).isEqualTo("https://polyglot.dev/schemas/events/user.registered.json");
        assertThat(consumer.settings().consumerName()).isNotBlank();
        assertThat(consumer.settings().batchSize()).isEqualTo(16);
        assertThat(consumer.settings().minIdle()).isEqualTo(Duration.ofSeconds(30));
        assertThat(properties.retentionFor("platform.events")).isEqualTo(100_000);
        consumers.stop();
        assertThat(consumer.isRunning()).isFalse();
    }
}
