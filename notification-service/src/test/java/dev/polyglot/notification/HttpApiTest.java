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
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Tickets, history and broadcasts over HTTP, with their problems. */
@NotificationServiceTest
class HttpApiTest {

    private static final String PROGRESS = "type=inference.job.progress";

    @LocalServerPort
    int port;

    @Autowired
    EventPublisher publisher;

    @Autowired
    RedissonClient redisson;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    @Test
    void aTicketIsStoredInRedisForThirtySecondsWithTheHolder() {
        User user = TestIdentity.newUser("user");

        HttpResponse<String> response = api.post("/api/notifications/ticket", user, "");

        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode ticket = Api.json(response);
        String value = ticket.path("ticket").asString();
        assertThat(value).matches("[A-Za-z0-9_-]{43}");
        assertThat(ticket.path("ws_url").asString()).isEqualTo("/ws/notifications?ticket=" + value);
        assertThat(Instant.parse(ticket.path("expires_at").asString()))
                .isBetween(Instant.now().plusSeconds(25), Instant.now().plusSeconds(31));
        var key = redisson.<String>getBucket("notification:ticket:" + value, StringCodec.INSTANCE);
        JsonNode holder = tools.jackson.databind.json.JsonMapper.shared().readTree(key.get());
        assertThat(holder.path("user_id").asString()).isEqualTo(user.id());
        assertThat(holder.path("email").asString()).isEqualTo(user.email());
        assertThat(holder.path("roles").get(0).asString()).isEqualTo("user");
        assertThat(key.remainTimeToLive()).isBetween(1L, 30_000L);
    }

    @Test
    void everyOperationNeedsAValidToken() {
        for (HttpResponse<String> response : List.of(
                api.post("/api/notifications/ticket", null, ""),
                api.get("/api/notifications", null),
                api.get("/api/notifications/stream", null),
                api.post("/api/notifications/broadcast", null, "{\"message\":\"hi\"}"))) {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(Api.json(response).path("type").asString()).isEqualTo("/problems/unauthorized");
        }
    }

    /**
     * A method a path does not serve is a 405 problem with the path's Allow: TRACE and QUERY too, which Spring
     * Security's firewall refused with a bare 400 (no body, no Content-Type).
     */
    @Test
    void aMethodAPathDoesNotServeIs405WithAllow() {
        User user = TestIdentity.newUser("user");
        Map<String, String> allowed = Map.of("/api/notifications", "GET", "/api/notifications/ticket", "POST",
                "/api/notifications/stream", "GET", "/api/notifications/broadcast", "POST",
                "/api/notifications/service-info", "GET");
        allowed.forEach((path, allow) -> {
            for (String method : List.of("TRACE", "QUERY", "PUT")) {
                HttpResponse<String> response = api.send(api.request(path, user)
                        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

                assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(405);
                assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                assertThat(Api.json(response).path("type").asString()).isEqualTo("/problems/method-not-allowed");
                assertThat(response.headers().firstValue("Allow").orElse("")).as(method + " " + path).contains(allow)
                        .doesNotContain(method);
            }
        });
    }

    /** What Spring Security's firewall refuses (here a query parameter name with U+0017) is a 400 problem. */
    @Test
    void aRequestTheFirewallRefusesIsA400Problem() {
        HttpResponse<String> response = api.get("/api/notifications?%C3%B8%C2%8F%17=null",
                TestIdentity.newUser("user"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(Api.json(response).path("type").asString()).isEqualTo("/problems/bad-request");
    }

    @Test
    void theHistoryIsTheUsersOwnNewestFirstInPagesAndCapped() {
        User user = TestIdentity.newUser("user");
        User other = TestIdentity.newUser("user");
        List<String> published = new ArrayList<>();
        for (int progress = 1; progress <= 25; progress++) {
            published.add(Events.jobProgress(publisher, user, progress).id());
        }
        Events.jobProgress(publisher, other, 99);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                Api.json(api.get("/api/notifications?size=1&" + PROGRESS, user)).path("items").get(0).path("id")
                        .asString()).isEqualTo(published.get(24)));
        // history-cap is 20 in the tests: the 5 oldest are gone.
        assertThat(Api.json(api.get("/api/notifications?size=1&" + PROGRESS, user)).path("total_items").asInt())
                .isEqualTo(20);
        JsonNode first = Api.json(api.get("/api/notifications?size=8&" + PROGRESS, user));
        JsonNode last = Api.json(api.get("/api/notifications?size=8&page=2&" + PROGRESS, user));

        assertThat(first.path("total_pages").asInt()).isEqualTo(3);
        assertThat(first.path("items").size()).isEqualTo(8);
        assertThat(first.path("items").get(0).path("id").asString()).isEqualTo(published.get(24));
        assertThat(first.path("items").get(0).path("topic").asString()).isEqualTo(user.topic());
        assertThat(first.path("items").get(0).path("data").path("progress").asInt()).isEqualTo(25);
        assertThat(last.path("page").asInt()).isEqualTo(2);
        assertThat(last.path("items").size()).isEqualTo(4);
        assertThat(last.path("items").get(3).path("id").asString()).isEqualTo(published.get(5));
    }

    @Test
    void invalidHistoryQueriesAreValidationProblems() {
        User user = TestIdentity.newUser("user");
        for (String query : List.of("size=0", "size=101", "page=-1", "type=NotAType", "since=yesterday", "since=",
                "size=", "page=", "type=")) {
            HttpResponse<String> response = api.get("/api/notifications?" + query, user);

            assertThat(response.statusCode()).as(query).isEqualTo(422);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonNode problem = Api.json(response);
            assertThat(problem.path("type").asString()).isEqualTo("/problems/validation-error");
            assertThat(problem.path("errors").get(0).path("pointer").asString())
                    .isEqualTo("/query/" + query.substring(0, query.indexOf('=')));
        }
    }

    @Test
    void onlyAnAdminBroadcastsAndEveryConnectedUserReceivesItAndKeepsItInTheirHistory() throws Exception {
        User admin = TestIdentity.newUser("admin");
        User viewer = TestIdentity.newUser("viewer");
        try (ProtocolClient socket = api.connect(viewer)) {
            socket.next("hello");

            HttpResponse<String> refused = api.post("/api/notifications/broadcast", viewer, "{\"message\":\"hi\"}");
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(Api.json(refused).path("type").asString()).isEqualTo("/problems/forbidden");

            HttpResponse<String> accepted = api.post("/api/notifications/broadcast", admin,
                    "{\"title\":\"Maintenance\",\"message\":\"Restart at 22:00\",\"severity\":\"warning\"}");
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            JsonNode broadcast = Api.json(accepted);
            assertThat(broadcast.path("sent_by").asString()).isEqualTo(admin.id());
            assertThat(broadcast.path("severity").asString()).isEqualTo("warning");
            assertThat(broadcast.has("expires_at")).isFalse();

            JsonNode event;
            do {
                event = socket.next("event");
            } while (!broadcast.path("broadcast_id").asString().equals(event.path("data").path("broadcast_id").asString()));
            assertThat(event.path("topic").asString()).isEqualTo("broadcast");
            assertThat(event.path("event_type").asString()).isEqualTo("notification.broadcast");
            assertThat(event.path("data").path("message").asString()).isEqualTo("Restart at 22:00");

            String eventId = event.path("id").asString();
            JsonNode history = Api.json(api.get("/api/notifications?type=notification.broadcast&size=100", viewer));
            assertThat(history.path("items").valueStream().map(item -> item.path("id").asString())).contains(eventId);
        }
    }

    @Test
    void anInvalidBroadcastIsAValidationProblem() {
        User admin = TestIdentity.newUser("admin");
        for (String body : List.of("{}", "{\"message\":\"\"}", "{\"message\":\"hi\",\"severity\":\"loud\"}",
                "{\"message\":\"" + "x".repeat(2001) + "\"}", "null", "[]", "{\"message\":\"hi\",\"zzz\":1}",
                "{\"message\":\"hi\",\"expires_at\":\"\"}", "{\"message\":\"hi\",\"severity\":null}",
                "{\"message\":7}",
                // A number is no RFC 3339 date-time (Jackson read it as seconds since 1970; the fuzzer's finding).
                "{\"message\":\"hi\",\"expires_at\":0}", "{\"message\":\"hi\",\"expires_at\":1795542060.5}")) {
            HttpResponse<String> response = api.post("/api/notifications/broadcast", admin, body);

            assertThat(response.statusCode()).as(body).isEqualTo(422);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
        JsonNode epoch = Api.json(api.post("/api/notifications/broadcast", admin,
                "{\"message\":\"hi\",\"expires_at\":0}"));
        assertThat(epoch.path("errors").get(0).path("pointer").asString()).isEqualTo("/body/expires_at");
        assertThat(epoch.path("errors").get(0).path("message").asString()).isEqualTo("must be an RFC 3339 date-time");
    }

    @Test
    void eventsForNobodyAreAcknowledgedAndNotStored() {
        User user = TestIdentity.newUser("user");
        CloudEvent ignored = Events.roleChanged(publisher, user);
        CloudEvent delivered = Events.jobProgress(publisher, user, 1);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                Api.json(api.get("/api/notifications?size=100", user)).path("items").valueStream()
                        .map(item -> item.path("id").asString()).toList())
                .contains(delivered.id()).doesNotContain(ignored.id()));
    }
}
