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
        LiveOpenApi.assertSwaggerUi(http);
    }
}
