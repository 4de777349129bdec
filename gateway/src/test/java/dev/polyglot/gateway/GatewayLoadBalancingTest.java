package dev.polyglot.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.RSAKey;
import dev.polyglot.servicekit.testing.PrivateRedisServer;
import dev.polyglot.servicekit.testing.TokenTestKit;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.netty.http.client.WebsocketClientSpec;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway in front of two real instances of a service (inference-bridge, and notification-service for its event
 * stream and WebSocket): every route is lb://, and the instances are listed in one variable, comma-separated, as
 * ./platform up --scale sets it. Health checks are polled every 200 ms here (5 s in application.yaml).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = PrivateRedisServer.NOT_A_CLUSTER)
class GatewayLoadBalancingTest {

    static final String ORIGIN = "http://console.example";
    static final Duration POLL = Duration.ofMillis(200);

    static final PrivateRedisServer redis = PrivateRedisServer.start();
    static final TokenTestKit.JwksServer jwks = new TokenTestKit.JwksServer();
    static final RSAKey signingKey = TokenTestKit.newKey();
    static final ServiceInstanceStandIn inferenceA = new ServiceInstanceStandIn("inference-a");
    static final ServiceInstanceStandIn inferenceB = new ServiceInstanceStandIn("inference-b");
    static final ServiceInstanceStandIn notificationA = new ServiceInstanceStandIn("notification-a");
    static final ServiceInstanceStandIn notificationB = new ServiceInstanceStandIn("notification-b");
    static final ServiceInstanceStandIn otherServices = new ServiceInstanceStandIn("single");
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    RedissonClient redisson;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void twoInstances(DynamicPropertyRegistry registry) {
        jwks.serve(signingKey);
        registry.add("spring.data.redis.url", redis::url);
        registry.add("AUTH_JWKS_URL", jwks::url);
        registry.add("INFERENCE_SERVICE_URL", () -> inferenceA.url() + "," + inferenceB.url());
        registry.add("NOTIFICATION_SERVICE_URL", () -> notificationA.url() + ", " + notificationB.url());
        registry.add("AUTH_SERVICE_URL", otherServices::url);
        registry.add("REPORTING_SERVICE_URL", otherServices::url);
        registry.add("CORS_ALLOWED_ORIGINS", () -> ORIGIN);
        registry.add("RATE_LIMIT_ANONYMOUS", () -> 100_000);
        registry.add("RATE_LIMIT_SIGNED_IN", () -> 100_000);
        registry.add("spring.cloud.loadbalancer.health-check.interval", () -> POLL.toMillis() + "ms");
    }

    @AfterEach
    void everyInstanceUpAndReady() {
        for (ServiceInstanceStandIn instance : List.of(inferenceA, inferenceB, notificationA, notificationB)) {
            instance.ready = true;
        }
        if (!listening(inferenceB)) {
            inferenceB.start();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(instancesServing(4, "/api/inference/service-info")).contains("inference-a", "inference-b"));
    }

    @AfterAll
    static void stop() {
        for (ServiceInstanceStandIn instance : List.of(inferenceA, inferenceB, notificationA, notificationB,
                otherServices)) {
            instance.close();
        }
        jwks.close();
        redis.close();
    }

    @Test
    void requestsAreSpreadOverEveryInstanceInTurn() throws Exception {
        int beforeA = inferenceA.served.get();
        int beforeB = inferenceB.served.get();

        for (int i = 0; i < 20; i++) {
            assertThat(get("/api/inference/service-info").statusCode()).isEqualTo(200);
        }

        assertThat(inferenceA.served.get() - beforeA).as("round robin").isEqualTo(10);
        assertThat(inferenceB.served.get() - beforeB).as("round robin").isEqualTo(10);
    }

    @Test
    void theInstanceThatServedIsCountedPerInstance() throws Exception {
        get("/api/inference/service-info");
        get("/api/inference/service-info");

        for (ServiceInstanceStandIn instance : List.of(inferenceA, inferenceB)) {
            String instancePort = Integer.toString(URI.create(instance.url()).getPort());
            assertThat(meters.find("loadbalancer.requests.success").tag("serviceId", "inference-bridge")
                    .tag("serviceInstance.port", instancePort).timer())
                    .as("loadbalancer.requests.success of " + instance.name).isNotNull()
                    .satisfies(timer -> assertThat(timer.count()).isPositive());
        }
        assertThat(meters.find("loadbalancer.requests.success").tagKeys("uri").timers())
                .allSatisfy(timer -> assertThat(timer.getId().getTag("uri"))
                        .as("no request path in the tags (stats.include-path: false)").doesNotStartWith("/api"));
    }

    @Test
    void aStoppedInstanceIsSteppedAroundThenLeavesTheRotationAndComesBackWhenRestarted() throws Exception {
        inferenceB.stop();

        for (int i = 0; i < 10; i++) {
            assertThat(get("/api/inference/service-info").statusCode())
                    .as("a GET that meets the refused connection is retried on the other instance").isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (int i = 0; i < 6; i++) {
                assertThat(post("/api/inference/predictions").statusCode())
                        .as("a POST is not retried: it succeeds once the health check took the instance out")
                        .isEqualTo(200);
            }
        });

        int servedBefore = inferenceB.served.get();
        inferenceB.start();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(instancesServing(4, "/api/inference/service-info")).contains("inference-b"));
        assertThat(inferenceB.served.get()).isGreaterThan(servedBefore);
    }

    @ParameterizedTest(name = "reset: {0}")
    @ValueSource(booleans = {false, true})
    void aGetOnAConnectionClosedWithoutAnAnswerIsRetriedOnTheOtherInstance(boolean reset) throws Exception {
        int servedBefore = inferenceB.served.get();
        inferenceB.closesWithoutAnswering = true; // its health check still answers: it stays in the rotation
        inferenceB.resets = reset;
        try {
            for (int i = 0; i < 10; i++) {
                assertThat(get("/api/inference/service-info").statusCode())
                        .as("a killed instance's connection closes without an answer: the GET goes to the other")
                        .isEqualTo(200);
            }
            assertThat(inferenceB.served.get()).isEqualTo(servedBefore);
        } finally {
            inferenceB.closesWithoutAnswering = false;
            inferenceB.resets = false;
        }
    }

    @Test
    void anInstanceWhoseHealthCheckAnswers503LeavesTheRotationUntilItAnswers200() throws Exception {
        inferenceB.ready = false;
        awaitTwoPollsOf(inferenceB);

        int servedBefore = inferenceB.served.get();
        for (int i = 0; i < 10; i++) {
            assertThat(get("/api/inference/service-info").statusCode()).isEqualTo(200);
        }
        assertThat(inferenceB.served.get()).as("not ready: no request").isEqualTo(servedBefore);

        inferenceB.ready = true;
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(instancesServing(4, "/api/inference/service-info")).contains("inference-b"));
    }

    @Test
    void whenNoInstancePassesItsHealthCheckEveryInstanceStaysInTheRotation() throws Exception {
        inferenceA.ready = false;
        inferenceB.ready = false;
        awaitTwoPollsOf(inferenceA);
        awaitTwoPollsOf(inferenceB);

        assertThat(instancesServing(10, "/api/inference/service-info"))
                .as("the instances answer for themselves (their own 503 when a shared dependency is away)")
                .containsOnly("inference-a", "inference-b");
    }

    @Test
    void webSocketsAreBalancedOverTheInstances() {
        Set<String> greetings = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            greetings.add(reactor.netty.http.client.HttpClient.create()
                    .headers(headers -> headers.set("Origin", ORIGIN))
                    .websocket(WebsocketClientSpec.builder().build())
                    .uri("ws://127.0.0.1:" + port + "/ws/notifications?ticket=" + EdgeCredentials.newTicket(redisson))
                    .handle((inbound, outbound) -> inbound.receive().asString().take(1))
                    .blockFirst(Duration.ofSeconds(10)));
        }

        assertThat(greetings).containsExactlyInAnyOrder("hello from notification-a", "hello from notification-b");
    }

    @Test
    void eventStreamsAreBalancedOverTheInstances() {
        String token = EdgeCredentials.bearer(signingKey, UUID.randomUUID().toString(), "user");
        Set<String> firstEvents = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            firstEvents.add(reactor.netty.http.client.HttpClient.create()
                    .headers(headers -> headers.set("Authorization", token).set("Accept", "text/event-stream"))
                    .get().uri("http://127.0.0.1:" + port + "/api/notifications/stream")
                    .responseContent().asString().blockFirst(Duration.ofSeconds(10)).trim());
        }

        assertThat(firstEvents).containsExactlyInAnyOrder("data: notification-a", "data: notification-b");
    }

    private void awaitTwoPollsOf(ServiceInstanceStandIn instance) {
        int polled = instance.healthChecks.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> instance.healthChecks.get() >= polled + 2);
    }

    private List<String> instancesServing(int requests, String path) throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            names.add(JSON.readTree(response.body()).path("instance").asString());
        }
        return names;
    }

    private static boolean listening(ServiceInstanceStandIn instance) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", URI.create(instance.url()).getPort()), 500);
            return true;
        } catch (java.io.IOException refused) {
            return false;
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path) throws Exception {
        String token = EdgeCredentials.bearer(signingKey, UUID.randomUUID().toString(), "user");
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    }

}
