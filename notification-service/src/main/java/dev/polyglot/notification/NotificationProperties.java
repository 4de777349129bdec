package dev.polyglot.notification;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code notification.*}: limits and timings of real-time delivery (NOTIFICATION_* variables, application.yaml).
 *
 * @param historyCap           notifications kept per topic
 * @param historyTtl           how long an event id stays resolvable for replay
 * @param replayLimit          most notifications sent on one reconnect
 * @param sendQueueSize        frames waiting for one client before it is dropped as a slow consumer
 * @param maxConnectionsPerUser open connections (WebSocket and SSE) of one user on all instances together
 * @param connectionLease       how long a connection counts towards its user's cap unless its instance renews it
 *                              (every third of it): what a dead instance's connections block
 * @param maxMessageBytes      largest client WebSocket frame
 * @param heartbeatInterval    server ping interval; two without a pong close the socket
 * @param sseKeepAlive         SSE comment interval
 * @param ticketTtl            WebSocket ticket lifetime
 * @param allowedOrigins       browser origins allowed to open the WebSocket
 */
@ConfigurationProperties("notification")
public record NotificationProperties(
        int historyCap,
        Duration historyTtl,
        int replayLimit,
        int sendQueueSize,
        int maxConnectionsPerUser,
        Duration connectionLease,
        int maxMessageBytes,
        Duration heartbeatInterval,
        Duration sseKeepAlive,
        Duration ticketTtl,
        List<String> allowedOrigins) {

    public NotificationProperties {
        // The last two are what the hello frame may announce (contracts/websocket/schemas/hello.schema.json).
        if (historyCap < 1 || replayLimit < 0 || sendQueueSize < 1 || maxConnectionsPerUser < 1
                || maxMessageBytes < 1024 || heartbeatInterval == null || heartbeatInterval.toMillis() < 1000
                || connectionLease == null || connectionLease.toMillis() < 1000) {
            throw new IllegalArgumentException("notification limits: history-cap, send-queue-size and "
                    + "max-connections-per-user at least 1, replay-limit at least 0, max-message-bytes at least 1024, "
                    + "heartbeat-interval and connection-lease at least 1 s");
        }
        allowedOrigins = allowedOrigins == null ? List.of()
                : allowedOrigins.stream().map(String::strip).filter(origin -> !origin.isEmpty()).toList();
    }
}
