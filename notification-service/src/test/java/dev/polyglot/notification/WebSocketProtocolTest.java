package dev.polyglot.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.polyglot.notification.support.Api;
import dev.polyglot.notification.support.Events;
import dev.polyglot.notification.support.NotificationServiceTest;
import dev.polyglot.notification.support.ProtocolClient;
import dev.polyglot.notification.support.TestIdentity;
import dev.polyglot.notification.support.TestIdentity.User;
import dev.polyglot.servicekit.events.CloudEvent;
import dev.polyglot.servicekit.events.EventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Every frame type and close code of the WebSocket protocol (contracts/asyncapi, channel notifications). */
@NotificationServiceTest
class WebSocketProtocolTest {

    @LocalServerPort
    int port;

    @Autowired
    EventPublisher publisher;

    @Autowired
    MeterRegistry meters;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    @Test
    void helloSaysWhoIsConnectedAndTheTopicsAlreadySubscribed() throws Exception {
        User user = TestIdentity.newUser("user");
        User admin = TestIdentity.newUser("admin");
        Instant before = Instant.now().minusSeconds(1);
        try (ProtocolClient userSocket = api.connect(user); ProtocolClient adminSocket = api.connect(admin)) {
            JsonNode hello = userSocket.next();
            assertThat(hello.propertyNames()).containsExactlyInAnyOrder("type", "connection_id", "user_id", "role",
                    "topics", "heartbeat_interval_ms", "max_message_bytes", "server_time");
            assertThat(hello.path("type").asString()).isEqualTo("hello");
            assertThat(hello.path("connection_id").asString()).matches("[0-9a-f-]{36}");
            assertThat(hello.path("user_id").asString()).isEqualTo(user.id());
            assertThat(hello.path("role").asString()).isEqualTo("user");
            assertThat(strings(hello.path("topics"))).containsExactly("broadcast", user.topic());
            assertThat(hello.path("heartbeat_interval_ms").asLong()).isEqualTo(1000);
            assertThat(hello.path("max_message_bytes").asInt()).isEqualTo(2048);
            assertThat(Instant.parse(hello.path("server_time").asString())).isAfter(before);

            JsonNode adminHello = adminSocket.next();
            assertThat(adminHello.path("role").asString()).isEqualTo("admin");
            assertThat(strings(adminHello.path("topics"))).containsExactly("admin", "broadcast", admin.topic());
        }
    }

    @Test
    void anEventOfTheUsersJobArrivesAsAnEventFrameOnlyForThemAndAnAckIsCounted() throws Exception {
        User owner = TestIdentity.newUser("user");
        User other = TestIdentity.newUser("user");
        try (ProtocolClient ownerSocket = api.connect(owner); ProtocolClient otherSocket = api.connect(other)) {
            ownerSocket.next("hello");
            otherSocket.next("hello");
            double acksBefore = meters.counter("notification.acks").count();

            CloudEvent event = Events.jobProgress(publisher, owner, 50);

            JsonNode frame = ownerSocket.next("event");
            assertThat(frame.propertyNames()).containsExactlyInAnyOrder("type", "id", "topic", "event_type", "source",
                    "time", "dataschema", "data");
            assertThat(frame.path("id").asString()).isEqualTo(event.id());
            assertThat(frame.path("topic").asString()).isEqualTo(owner.topic());
            assertThat(frame.path("event_type").asString()).isEqualTo("inference.job.progress");
            assertThat(frame.path("source").asString()).isEqualTo("/notification-service");
            assertThat(frame.path("time").asString()).isEqualTo(event.time());
            assertThat(frame.path("dataschema").asString()).isEqualTo(event.dataschema());
            assertThat(frame.path("data").path("progress").asInt()).isEqualTo(50);
            assertThat(otherSocket.collect("event", Duration.ofMillis(500))).isEmpty();

            ownerSocket.send("{\"type\":\"ack\",\"id\":\"" + event.id() + "\"}");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> meters.counter("notification.acks").count() == acksBefore + 1);
            assertThat(ownerSocket.isOpen()).isTrue();
        }
    }

    @Test
    void subscribeAndUnsubscribeAnswerWithEveryTopicNowSubscribed() throws Exception {
        User admin = TestIdentity.newUser("admin");
        try (ProtocolClient socket = api.connect(admin)) {
            socket.next("hello");

            socket.send("{\"type\":\"unsubscribe\",\"request_id\":\"u-1\",\"topics\":[\"admin\",\"broadcast\"]}");
            JsonNode unsubscribed = socket.next("unsubscribed");
            assertThat(unsubscribed.path("request_id").asString()).isEqualTo("u-1");
            assertThat(strings(unsubscribed.path("topics"))).containsExactly(admin.topic());

            socket.send("{\"type\":\"subscribe\",\"request_id\":\"s-1\",\"topics\":[\"admin\"]}");
            JsonNode subscribed = socket.next("subscribed");
            assertThat(subscribed.path("request_id").asString()).isEqualTo("s-1");
            assertThat(strings(subscribed.path("topics"))).containsExactly("admin", admin.topic());
        }
    }

    @Test
    void anUnsubscribedTopicIsNoLongerDelivered() throws Exception {
        User owner = TestIdentity.newUser("user");
        try (ProtocolClient socket = api.connect(owner)) {
            socket.next("hello");
            socket.send("{\"type\":\"unsubscribe\",\"request_id\":\"u\",\"topics\":[\"" + owner.topic() + "\"]}");
            socket.next("unsubscribed");

            Events.jobProgress(publisher, owner, 10);

            assertThat(socket.collect("event", Duration.ofSeconds(1))).isEmpty();
        }
    }

    @Test
    void anUnknownTopicOrTooManyTopicsIsAnErrorThatKeepsTheSocketOpen() throws Exception {
        User user = TestIdentity.newUser("user");
        try (ProtocolClient socket = api.connect(user)) {
            socket.next("hello");

            socket.send("{\"type\":\"subscribe\",\"request_id\":\"s-1\",\"topics\":[\"weather\"]}");
            JsonNode unknown = socket.next("error");
            assertThat(unknown.path("code").asString()).isEqualTo("unknown_topic");
            assertThat(unknown.path("request_id").asString()).isEqualTo("s-1");
            assertThat(unknown.has("close_code")).isFalse();

            socket.send("{\"type\":\"subscribe\",\"request_id\":\"s-2\",\"topics\":"
                    + "[\"broadcast\",\"broadcast\",\"broadcast\",\"broadcast\",\"broadcast\",\"broadcast\","
                    + "\"broadcast\",\"broadcast\",\"broadcast\",\"broadcast\",\"broadcast\"]}");
            assertThat(socket.next("error").path("code").asString()).isEqualTo("too_many_topics");

            socket.send("{\"type\":\"ping\",\"nonce\":\"still-there\"}");
            assertThat(socket.next("pong").path("nonce").asString()).isEqualTo("still-there");
            assertThat(socket.isOpen()).isTrue();
        }
    }

    @Test
    void theAdminTopicWithoutTheAdminRoleIsForbiddenAndCloses4403() throws Exception {
        User viewer = TestIdentity.newUser("viewer");
        try (ProtocolClient socket = api.connect(viewer)) {
            socket.next("hello");
            socket.send("{\"type\":\"subscribe\",\"request_id\":\"s-1\",\"topics\":[\"admin\"]}");

            JsonNode error = socket.next("error");
            assertThat(error.path("code").asString()).isEqualTo("forbidden_topic");
            assertThat(error.path("request_id").asString()).isEqualTo("s-1");
            assertThat(error.path("close_code").asInt()).isEqualTo(4403);
            assertThat(socket.closeCode()).isEqualTo(4403);
        }
    }

    @Test
    void anotherUsersTopicIsForbiddenAndCloses4403() throws Exception {
        User user = TestIdentity.newUser("user");
        User other = TestIdentity.newUser("user");
        try (ProtocolClient socket = api.connect(user)) {
            socket.next("hello");
            socket.send("{\"type\":\"subscribe\",\"request_id\":\"s-1\",\"topics\":[\"" + other.topic() + "\"]}");

            assertThat(socket.next("error").path("code").asString()).isEqualTo("forbidden_topic");
            assertThat(socket.closeCode()).isEqualTo(4403);
        }
    }

    @Test
    void aClientPingIsAnsweredWithAPongOfTheSameNonce() throws Exception {
        try (ProtocolClient socket = api.connect(TestIdentity.newUser("user"))) {
            socket.next("hello");
            socket.send("{\"type\":\"ping\",\"nonce\":\"1764006085\"}");

            JsonNode pong = socket.next("pong");
            assertThat(pong.propertyNames()).containsExactlyInAnyOrder("type", "nonce");
            assertThat(pong.path("nonce").asString()).isEqualTo("1764006085");
        }
    }

    @Test
    void theServerPingsAndClosesAClientThatStopsAnsweringWith4408() throws Exception {
        try (ProtocolClient answering = api.connect(TestIdentity.newUser("user"));
             ProtocolClient silent = api.connect(TestIdentity.newUser("user"))) {
            silent.stopAnsweringPings();

            assertThat(silent.closeCode(Duration.ofSeconds(10))).isEqualTo(4408);
            assertThat(silent.pingsSeen()).isGreaterThanOrEqualTo(1);
            // Four heartbeat intervals later the client that answers is still connected.
            Thread.sleep(4000);
            assertThat(answering.isOpen()).isTrue();
            assertThat(answering.pingsSeen()).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void aFrameThatIsNotJsonIsAProtocolErrorClosing4400() throws Exception {
        try (ProtocolClient socket = api.connect(TestIdentity.newUser("user"))) {
            socket.next("hello");
            socket.send("subscribe me");

            JsonNode error = socket.next("error");
            assertThat(error.path("code").asString()).isEqualTo("bad_frame");
            assertThat(error.path("close_code").asInt()).isEqualTo(4400);
            assertThat(socket.closeCode()).isEqualTo(4400);
        }
    }

    @Test
    void anUnknownFrameTypeIsAProtocolErrorClosing4400() throws Exception {
        try (ProtocolClient socket = api.connect(TestIdentity.newUser("user"))) {
            socket.next("hello");
            socket.send("{\"type\":\"teleport\"}");

            assertThat(socket.next("error").path("code").asString()).isEqualTo("unknown_type");
            assertThat(socket.closeCode()).isEqualTo(4400);
        }
    }

    @Test
    void aFrameThatBreaksItsSchemaIsABadFrameNamingTheMember() throws Exception {
        try (ProtocolClient socket = api.connect(TestIdentity.newUser("user"))) {
            socket.next("hello");
            socket.send("{\"type\":\"ack\",\"id\":\"" + java.util.UUID.randomUUID() + "\",\"seen\":true}");

            JsonNode error = socket.next("error");
            assertThat(error.path("code").asString()).isEqualTo("bad_frame");
            assertThat(error.path("message").asString()).isEqualTo("/seen: not a member of the contract");
            assertThat(socket.closeCode()).isEqualTo(4400);
        }
        try (ProtocolClient socket = api.connect(TestIdentity.newUser("user"))) {
            socket.next("hello");
            socket.send("{\"type\":\"subscribe\",\"request_id\":\"s-1\",\"topics\":[]}");

            JsonNode error = socket.next("error");
            assertThat(error.path("message").asString()).isEqualTo("/topics: size must be between 1 and 10");
            assertThat(error.path("request_id").asString()).isEqualTo("s-1");
            assertThat(socket.closeCode()).isEqualTo(4400);
        }
    }

    @Test
    void aMissingUnknownOrUsedTicketCloses4401() throws Exception {
        User user = TestIdentity.newUser("user");
        try (ProtocolClient none = ProtocolClient.connect(port, "/ws/notifications");
             ProtocolClient unknown = ProtocolClient.connect(port,
                     "/ws/notifications?ticket=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")) {
            assertThat(none.closeCode()).isEqualTo(4401);
            assertThat(unknown.closeCode()).isEqualTo(4401);
        }
        String ticket = api.ticket(user);
        try (ProtocolClient first = ProtocolClient.connect(port, "/ws/notifications?ticket=" + ticket)) {
            assertThat(first.next("hello").path("user_id").asString()).isEqualTo(user.id());
            try (ProtocolClient second = ProtocolClient.connect(port, "/ws/notifications?ticket=" + ticket)) {
                assertThat(second.closeCode()).isEqualTo(4401);
            }
        }
    }

    @Test
    void aFrameAboveTheSizeLimitCloses1009() throws Exception {
        try (ProtocolClient socket = api.connect(TestIdentity.newUser("user"))) {
            socket.next("hello");
            socket.send("{\"type\":\"ping\",\"nonce\":\"" + "x".repeat(4096) + "\"}");

            assertThat(socket.closeCode()).isEqualTo(1009);
        }
    }

    @Test
    void aBrowserOriginNotOnTheAllowlistCloses1008() throws Exception {
        User user = TestIdentity.newUser("user");
        try (ProtocolClient foreign = ProtocolClient.connect(port, "/ws/notifications?ticket=" + api.ticket(user),
                "https://evil.example");
             ProtocolClient allowed = ProtocolClient.connect(port, "/ws/notifications?ticket=" + api.ticket(user),
                     "http://127.0.0.1:8080")) {
            assertThat(foreign.closeCode()).isEqualTo(1008);
            assertThat(allowed.next("hello").path("user_id").asString()).isEqualTo(user.id());
        }
    }

    @Test
    void connectionsAboveTheCapPerUserClose4409() throws Exception {
        User user = TestIdentity.newUser("user");
        List<ProtocolClient> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                ProtocolClient socket = api.connect(user);
                sockets.add(socket);
                socket.next("hello");
            }
            try (ProtocolClient fourth = api.connect(user)) {
                assertThat(fourth.closeCode()).isEqualTo(4409);
            }
            sockets.remove(0).close();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                try (ProtocolClient again = api.connect(user)) {
                    assertThat(again.next("hello").path("user_id").asString()).isEqualTo(user.id());
                }
            });
        } finally {
            sockets.forEach(ProtocolClient::close);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asString()));
        return values;
    }
}
