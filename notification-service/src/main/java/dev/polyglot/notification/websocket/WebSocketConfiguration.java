package dev.polyglot.notification.websocket;

import dev.polyglot.servicekit.info.ServiceInfo;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class WebSocketConfiguration {

    @Bean
    HandlerMapping webSocketMapping(ServiceInfo serviceInfo, JsonMapper jsonMapper) {
        // Ahead of the annotated controllers, so that an upgrade request never reaches them.
        return new SimpleUrlHandlerMapping(
                Map.of("/ws/notifications", new NotificationWebSocketHandler(serviceInfo, jsonMapper)),
                Ordered.HIGHEST_PRECEDENCE);
    }
}
