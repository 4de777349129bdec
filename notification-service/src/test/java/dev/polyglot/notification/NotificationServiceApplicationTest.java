package dev.polyglot.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polyglot.notification.support.NotificationServiceTest;
import dev.polyglot.servicekit.testing.JavaServiceContract;
import dev.polyglot.servicekit.testing.LiveOpenApi;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

@NotificationServiceTest
class NotificationServiceApplicationTest extends JavaServiceContract {

    @Test
    void springdocServesTheLiveOpenApiDocumentAndSwaggerUi() {
        JsonNode document = LiveOpenApi.assertServes(http, Map.of(
                "GET /api/notifications/service-info", "getNotificationServiceInfo",
                "POST /api/notifications/ticket", "createWebSocketTicket",
                "GET /api/notifications", "listNotifications",
                "GET /api/notifications/stream", "streamNotifications",
                "POST /api/notifications/broadcast", "broadcastNotification"));
        // The document names fields as they are on the wire (snake_case), as the contract does.
        assertThat(document.path("components").path("schemas").path("ServiceInfo").path("properties").propertyNames())
                .contains("instance_id", "started_at");
        assertThat(document.path("components").path("schemas").path("NotificationPage").path("properties")
                .propertyNames()).contains("total_items", "total_pages");
        LiveOpenApi.assertErrorsAreProblems(document);
        // The stream's schema is that of one event, by its SSE fields, as in the contract (not one string).
        String event = document.path("paths").path("/api/notifications/stream").path("get").path("responses")
                .path("200").path("content").path("text/event-stream").path("schema").path("$ref").asString();
        JsonNode eventSchema = document.path("components").path("schemas")
                .path(event.substring(event.lastIndexOf('/') + 1));
        assertThat(eventSchema.path("properties").propertyNames()).containsExactlyInAnyOrder("id", "event", "data");
        assertThat(eventSchema.path("required").valueStream().map(JsonNode::asString).toList())
                .containsExactlyInAnyOrder("id", "event", "data");
        LiveOpenApi.assertSwaggerUi(http);
    }
}
