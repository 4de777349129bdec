package dev.polyglot.notification.websocket;

import dev.polyglot.notification.NotificationProperties;
import dev.polyglot.notification.history.NotificationHistory;
import dev.polyglot.notification.live.ConnectionRegistry;
import dev.polyglot.notification.live.WebSocketTickets;
import java.util.Map;
import org.redisson.api.RedissonClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import reactor.netty.http.server.WebsocketServerSpec;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class WebSocketConfiguration implements WebFluxConfigurer {

    private final NotificationProperties properties;

    WebSocketConfiguration(NotificationProperties properties) {
        this.properties = properties;
    }

    @Bean
    WebSocketTickets webSocketTickets(RedissonClient redisson, JsonMapper json) {
        return new WebSocketTickets(redisson, properties, json);
    }

    @Bean
    ServerChannels serverChannels() {
        return new ServerChannels();
    }

    @Bean
    HandlerMapping webSocketMapping(WebSocketTickets tickets, ConnectionRegistry connections,
                                    NotificationHistory history, JsonMapper json, ServerChannels channels) {
        // Ahead of the annotated controllers, so that an upgrade request never reaches them.
        return new SimpleUrlHandlerMapping(Map.of("/ws/notifications",
                new NotificationWebSocketHandler(tickets, connections, history, properties, json, channels)),
                Ordered.HIGHEST_PRECEDENCE);
    }

    /** A client frame above max-message-bytes is refused by Netty itself, with close code 1009. */
    @Override
    public WebSocketService getWebSocketService() {
        return new HandshakeWebSocketService(new ReactorNettyRequestUpgradeStrategy(
                () -> WebsocketServerSpec.builder().maxFramePayloadLength(properties.maxMessageBytes())));
    }
}
