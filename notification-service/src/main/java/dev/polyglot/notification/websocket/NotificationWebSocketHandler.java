package dev.polyglot.notification.websocket;

import dev.polyglot.servicekit.info.ServiceInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /ws/notifications}: greets the client with a {@link HelloFrame}, then holds the connection open
 * until the client closes it. Subscriptions, events and tickets come with the notification protocol.
 */
class NotificationWebSocketHandler implements WebSocketHandler {

    private final ServiceInfo serviceInfo;
    private final JsonMapper jsonMapper;

    NotificationWebSocketHandler(ServiceInfo serviceInfo, JsonMapper jsonMapper) {
        this.serviceInfo = serviceInfo;
        this.jsonMapper = jsonMapper;
    }

    @Override
    public Mono<Void> handle(WebSocketSession session) {
        String hello = jsonMapper.writeValueAsString(HelloFrame.now(serviceInfo.service(), serviceInfo.instanceId()));
        return session.send(Mono.just(session.textMessage(hello)))
                // Completes when the client closes; what it sends is ignored until the protocol exists.
                .then(session.receive().then());
    }
}
