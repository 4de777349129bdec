package dev.polyglot.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polyglot.notification.support.Api;
import dev.polyglot.notification.support.Events;
import dev.polyglot.notification.support.Instances;
import dev.polyglot.notification.support.ProtocolClient;
import dev.polyglot.notification.support.TestIdentity;
import dev.polyglot.notification.support.TestIdentity.User;
import dev.polyglot.servicekit.events.EventPublisher;
import dev.polyglot.servicekit.testing.PrivateRedisServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Two instances of the service in one JVM on one real Redis (a private one, so that only these two consume): a
 * user connected to each receives every event once per connection, whichever instance consumed it.
 */
class CrossInstanceTest {

    private static final int EVENTS = 20;

    static PrivateRedisServer redis;
    static ConfigurableApplicationContext nodeA;
    static ConfigurableApplicationContext nodeB;

    @BeforeAll
    static void startTwoInstances() {
        redis = PrivateRedisServer.start();
        nodeA = Instances.start(redis, "node-a");
        nodeB = Instances.start(redis, "node-b");
    }

    @AfterAll
    static void stop() {
        Instances.stop(redis, nodeA, nodeB);
    }

    @Test
    void aUserConnectedToBothInstancesReceivesEveryEventOncePerConnectionWhicheverInstanceConsumedIt()
            throws Exception {
        User user = TestIdentity.newUser("user");
        Api apiA = new Api(Instances.port(nodeA));
        Api apiB = new Api(Instances.port(nodeB));
        // A ticket from one instance opens a socket on the other: tickets live in the shared Redis.
        try (ProtocolClient onA = ProtocolClient.connect(apiA.port(), "/ws/notifications?ticket=" + apiB.ticket(user));
             ProtocolClient onB = ProtocolClient.connect(apiB.port(), "/ws/notifications?ticket=" + apiA.ticket(user))) {
            onA.next("hello");
            onB.next("hello");

            List<String> published = new ArrayList<>();
            EventPublisher publisher = nodeA.getBean(EventPublisher.class);
            for (int i = 0; i < EVENTS; i++) {
                published.add(Events.jobProgress(publisher, user, i).id());
            }

            assertThat(eventIds(onA)).containsExactlyInAnyOrderElementsOf(published);
            assertThat(eventIds(onB)).containsExactlyInAnyOrderElementsOf(published);
            // Two consumers handle events in parallel, so the order may differ from the publishing order; each id
            // arrives once per connection. Each event was consumed by exactly one of the two, so at least one
            // socket received events that the other instance consumed.
            assertThat(consumed(nodeA) + consumed(nodeB)).isEqualTo(EVENTS);

            nodeB.close();
            assertThat(onB.closeCode()).isEqualTo(1001);
        }
    }

    /** The ids of the event frames arriving until one second passes without any. */
    private static List<String> eventIds(ProtocolClient socket) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        while (true) {
            List<JsonNode> more = socket.collect("event", Duration.ofSeconds(1));
            if (more.isEmpty() && ids.size() >= EVENTS) {
                return ids;
            }
            if (more.isEmpty() && ids.isEmpty()) {
                ids.add(socket.next("event").path("id").asString());
            }
            more.forEach(frame -> ids.add(frame.path("id").asString()));
            if (more.isEmpty()) {
                return ids;
            }
        }
    }

    private static double consumed(ConfigurableApplicationContext node) {
        return node.getBean(MeterRegistry.class).find("events.consumed").tag("group", "notification").counters()
                .stream().mapToDouble(counter -> counter.count()).sum();
    }
}
