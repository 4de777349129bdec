package dev.polyglot.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.polyglot.contracts.ConsumerGroups;
import dev.polyglot.contracts.EventTypes;
import dev.polyglot.contracts.Streams;
import dev.polyglot.contracts.events.UserRoleChanged;
import dev.polyglot.notification.live.ConnectionLeases;
import dev.polyglot.notification.live.NotificationFanout;
import dev.polyglot.notification.support.Api;
import dev.polyglot.notification.support.Events;
import dev.polyglot.notification.support.Instances;
import dev.polyglot.notification.support.ProtocolClient;
import dev.polyglot.notification.support.TestIdentity;
import dev.polyglot.notification.support.TestIdentity.User;
import dev.polyglot.servicekit.events.CloudEvent;
import dev.polyglot.servicekit.events.EventPublisher;
import dev.polyglot.servicekit.testing.PrivateRedisServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Two instances on one real Redis (a private one; the tests' cluster when REDIS_CLUSTER_NODES is set), as two
 * processes behind the gateway: the per-user connection cap counts the
 * connections of both (leases in Redis), a crashed instance's connections stop counting once their leases lapse, and a
 * role change or an account deletion reaches the user's connections on both, whichever instance consumed the event.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConnectionsAcrossInstancesTest {

    private static final int CAP = 2;
    private static final Duration LEASE = Duration.ofMillis(1500);

    static PrivateRedisServer redis;
    static ConfigurableApplicationContext nodeA;
    static ConfigurableApplicationContext nodeB;
    static Api apiA;
    static Api apiB;
    static EventPublisher publisher;
    static ConnectionLeases leases;

    @BeforeAll
    static void startTwoInstances() {
        redis = Instances.privateRedisUnlessCluster();
        String[] settings = {"--notification.max-connections-per-user=" + CAP,
                "--notification.connection-lease=" + LEASE.toMillis() + "ms"};
        nodeA = Instances.start(redis, "node-a", settings);
        nodeB = Instances.start(redis, "node-b", settings);
        apiA = new Api(Instances.port(nodeA));
        apiB = new Api(Instances.port(nodeB));
        publisher = nodeA.getBean(EventPublisher.class);
        leases = nodeA.getBean(ConnectionLeases.class);
    }

    @AfterAll
    static void stop() {
        Instances.stop(redis, nodeA, nodeB);
    }

    @Test
    void theCapCountsWebSocketAndSseConnectionsOfEveryInstance() throws Exception {
        User user = TestIdentity.newUser("user");
        try (TwoConnections open = TwoConnections.of(user)) {
            assertThat(leases.held(user.id())).isEqualTo(CAP);

            try (ProtocolClient thirdOnB = apiB.connect(user)) {
                assertThat(thirdOnB.closeCode()).isEqualTo(4409);
            }
            HttpResponse<Stream<String>> thirdSseOnA = apiA.openStream(user);
            assertThat(thirdSseOnA.statusCode()).isEqualTo(429);
            assertThat(thirdSseOnA.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            thirdSseOnA.body().close();

            // Held longer than two leases: each instance renews its own, so nothing lapses while it is open.
            Thread.sleep(LEASE.multipliedBy(2).toMillis());
            assertThat(leases.held(user.id())).isEqualTo(CAP);

            open.onA().close();
            await().atMost(Duration.ofSeconds(5)).until(() -> admits(apiB, user));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> leases.held(user.id()) == 0);
    }

    @Test
    void theConnectionsOfACrashedInstanceStopCountingWhenTheirLeasesLapse() throws Exception {
        User user = TestIdentity.newUser("user");
        // What an instance that died leaves behind: a lease taken by the same script, never renewed nor released.
        ConnectionLeases crashed = new ConnectionLeases(nodeA.getBean(RedissonClient.class), LEASE);
        assertThat(crashed.tryAcquire(user.id(), UUID.randomUUID().toString(), CAP)).isTrue();
        try (ProtocolClient live = apiB.connect(user)) {
            live.next("hello");
            long deadAt = System.nanoTime();
            try (ProtocolClient refused = apiA.connect(user)) {
                assertThat(refused.closeCode()).as("the dead instance's lease still counts").isEqualTo(4409);
            }

            await().atMost(LEASE.plusSeconds(3)).until(() -> admits(apiA, user));
            assertThat(Duration.ofNanos(System.nanoTime() - deadAt)).as("not before the lease lapsed")
                    .isGreaterThanOrEqualTo(LEASE.minusMillis(200));
            assertThat(live.isOpen()).isTrue();
            // The live connection's lease, renewed past its first lapse; the admitted socket's released.
            await().atMost(Duration.ofSeconds(2)).until(() -> leases.held(user.id()) == 1);
        }
    }

    @Test
    void aFormerAdminLosesTheAdminTopicOnEveryInstance() throws Exception {
        User admin = TestIdentity.newUser("admin");
        try (ProtocolClient onA = apiA.connect(admin); ProtocolClient onB = apiB.connect(admin)) {
            assertThat(strings(onA.next("hello").path("topics"))).contains(Topics.ADMIN);
            assertThat(strings(onB.next("hello").path("topics"))).contains(Topics.ADMIN);

            Events.roleChanged(publisher, admin, UserRoleChanged.OldRole.ADMIN, UserRoleChanged.NewRole.USER);

            // One instance consumed the event; both withdrew the topic.
            for (ProtocolClient socket : List.of(onA, onB)) {
                JsonNode withdrawn = socket.next("unsubscribed");
                assertThat(withdrawn.path("reason").asString()).isEqualTo("role_changed");
                assertThat(withdrawn.has("request_id")).isFalse();
                assertThat(strings(withdrawn.path("topics"))).containsExactly(Topics.BROADCAST, admin.topic());
            }
            onB.send("{\"type\":\"subscribe\",\"request_id\":\"again\",\"topics\":[\"admin\"]}");
            assertThat(onB.next("error").path("code").asString()).isEqualTo("forbidden_topic");
            assertThat(onB.closeCode()).isEqualTo(4403);
            assertThat(onA.isOpen()).isTrue();
        }
    }

    @Test
    void aDeletedAccountsConnectionsCloseOnEveryInstance() throws Exception {
        User user = TestIdentity.newUser("user");
        try (TwoConnections open = TwoConnections.of(user)) {
            Events.deleted(publisher, user);

            assertThat(open.onA().closeCode()).isEqualTo(4410);
            Iterator<String> sseLines = open.sseLines();
            // The SSE stream ends: the keep-alives already sent, then no more lines.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                while (sseLines.hasNext()) {
                    sseLines.next();
                }
                return true;
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> leases.held(user.id()) == 0);
        }
    }

    @Test
    void accountEventsThatBreakTheirContractAreDeadLetteredAndTheServiceGoesOn() throws Exception {
        User user = TestIdentity.newUser("user");
        CloudEvent badRole = Events.malformed(publisher, EventTypes.USER_ROLE_CHANGED.type(),
                Map.of("user_id", user.id(), "new_role", "emperor"));
        CloudEvent badDeletion = Events.malformed(publisher, EventTypes.USER_DELETED.type(),
                Map.of("user_id", "42"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(deadLettered())
                .contains(badRole.id(), badDeletion.id()));
        try (ProtocolClient socket = apiB.connect(user)) {
            socket.next("hello");
            Events.deleted(publisher, user);
            assertThat(socket.closeCode()).as("both instances still consume").isEqualTo(4410);
        }
    }

    @Test
    void unreadableFanoutMessagesAreLoggedAndIgnored(CapturedOutput output) throws Exception {
        User user = TestIdentity.newUser("user");
        try (ProtocolClient socket = apiA.connect(user)) {
            socket.next("hello");
            var channel = nodeB.getBean(RedissonClient.class).getTopic(NotificationFanout.CHANNEL, StringCodec.INSTANCE);
            channel.publish("not json");
            channel.publish("{\"account_change\":{\"user_id\":\"" + user.id() + "\",\"deleted\":true}}");
            channel.publish("{\"account_change\":{\"event_id\":\"e\",\"user_id\":\"" + user.id()
                    + "\",\"deleted\":false}}");

            nodeB.getBean(NotificationFanout.class).publish(
                    NotificationFanout.AccountChange.deleted(UUID.randomUUID().toString(), user.id()));
            assertThat(socket.closeCode()).isEqualTo(4410);
        }
        assertThat(output.getAll()).contains("Ignored an unreadable fan-out message")
                .contains("Ignored a fan-out message with neither a notification nor a whole account change");
    }

    /** A WebSocket of the user on instance A and an SSE stream on B, both open (the stream's first keep-alive read). */
    record TwoConnections(ProtocolClient onA, HttpResponse<Stream<String>> sseOnB, Iterator<String> sseLines)
            implements AutoCloseable {

        static TwoConnections of(User user) throws InterruptedException {
            ProtocolClient onA = apiA.connect(user);
            HttpResponse<Stream<String>> sseOnB = apiB.openStream(user);
            TwoConnections open = new TwoConnections(onA, sseOnB, sseOnB.body().iterator());
            onA.next("hello");
            assertThat(sseOnB.statusCode()).isEqualTo(200);
            open.sseLines().next();
            return open;
        }

        @Override
        public void close() {
            onA.close();
            sseOnB.body().close();
        }
    }

    /** Opens a socket of the user: true when the server admits it (its first frame), false when it closes it. */
    private static boolean admits(Api api, User user) throws InterruptedException {
        try (ProtocolClient socket = api.connect(user)) {
            while (true) {
                try {
                    return socket.next(Duration.ofMillis(100)).path("type").asString().equals("hello");
                } catch (AssertionError noFrameYet) {
                    if (!socket.isOpen()) {
                        return false;
                    }
                }
            }
        }
    }

    private static List<String> deadLettered() {
        return nodeA.getBean(RedissonClient.class).<String, String>getStream(Streams.PLATFORM_EVENTS_DLQ,
                        StringCodec.INSTANCE)
                .range(StreamMessageId.MIN, StreamMessageId.MAX).values().stream()
                .filter(entry -> ConsumerGroups.NOTIFICATION.equals(entry.get("group")))
                .map(entry -> CloudEvent.parse(entry.get("cloudevent")).id())
                .toList();
    }

    private static List<String> strings(JsonNode array) {
        return array.valueStream().map(JsonNode::asString).toList();
    }
}
