package dev.polyglot.notification;

import static dev.polyglot.servicekit.testing.TestHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.polyglot.servicekit.testing.JavaServiceContract;
import dev.polyglot.servicekit.testing.LiveOpenApi;
import dev.polyglot.servicekit.testing.TestWebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NotificationServiceApplicationTest extends JavaServiceContract {

    @Test
    void theWebSocketSaysHelloThenStaysOpenUntilTheClientCloses() throws Exception {
        Instant connectedAt = Instant.now();
        try (TestWebSocket socket = TestWebSocket.connect(port, "/ws/notifications")) {
            JsonNode hello = JsonMapper.shared().readTree(socket.nextFrame(Duration.ofSeconds(10)));

            assertThat(hello.propertyNames()).containsExactlyInAnyOrder("type", "service", "instance_id", "server_time");
            assertThat(hello.path("type").asString()).isEqualTo("hello");
            assertThat(hello.path("service").asString()).isEqualTo("notification-service");
            assertThat(hello.path("instance_id").asString())
                    .isEqualTo(json(http.get(apiPrefix() + "/service-info")).path("instance_id").asString());
            assertThat(Instant.parse(hello.path("server_time").asString())).isAfterOrEqualTo(connectedAt.minusSeconds(1));
            assertThat(socket.isClosedByServerWithin(Duration.ofSeconds(2))).isFalse();
        }
    }

    @Test
    void springdocServesTheLiveOpenApiDocumentAndSwaggerUi() {
        JsonNode document = LiveOpenApi.assertServes(http, Map.of(
                "GET /api/notifications/service-info", "getNotificationServiceInfo"));
        // The document names fields as they are on the wire (snake_case), as the contract does.
        assertThat(document.path("components").path("schemas").path("ServiceInfo").path("properties").propertyNames())
                .contains("instance_id", "started_at");
        LiveOpenApi.assertSwaggerUi(http);
    }
}
