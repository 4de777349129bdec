package dev.polyglot.gateway.edge;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.server.ServerWebExchange;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Closes a client's WebSocket with 1011 when the service's socket behind it ends without a close frame (the service
 * crashed, or its connection was cut), or the proxying fails.
 *
 * <p>Spring Cloud Gateway 5.0.4's WebSocket proxy passes a close frame of the service on to the client; but when the
 * service's socket just ends, the proxy stops reading the client's socket, and Reactor Netty answers that with a
 * close frame of 1006 "abnormal closure", a code RFC 6455 forbids on the wire, which clients read as 1005 or 1000.
 * The contract's close codes (platform.asyncapi.yaml, {@code x-close-codes}) tell a client not to reconnect after
 * 1000, so the console went quiet for good when notification-service was killed (the chaos suite found it). 1011 tells
 * it to reconnect with backoff, and it resumes from its last event id.
 *
 * <p>It wraps the gateway's {@link WebSocketService} (Spring Cloud Gateway declares that bean without a way to
 * replace it) and hands the proxy the client's session with one change: when the proxy stops reading it while it is
 * still open, it is closed with 1011 first. A close frame of the service, or the client's own close, has been passed
 * on by then and is left as it is (a socket is closed once).
 */
public final class UpstreamWebSocketLoss implements WebSocketService {

    static final CloseStatus SERVICE_CONNECTION_LOST =
            CloseStatus.SERVER_ERROR.withReason("the service's connection was lost");

    private static final Logger log = LoggerFactory.getLogger(UpstreamWebSocketLoss.class);

    private final WebSocketService proxy;

    UpstreamWebSocketLoss(WebSocketService proxy) {
        this.proxy = proxy;
    }

    /** Wraps the gateway's WebSocket service bean, whatever its name. */
    static BeanPostProcessor wrapper() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return bean instanceof WebSocketService service && !(bean instanceof UpstreamWebSocketLoss)
                        ? new UpstreamWebSocketLoss(service) : bean;
            }
        };
    }

    @Override
    public Mono<Void> handleRequest(ServerWebExchange exchange, WebSocketHandler handler) {
        return proxy.handleRequest(exchange, new WebSocketHandler() {
            @Override
            public List<String> getSubProtocols() {
                return handler.getSubProtocols();
            }

            @Override
            public Mono<Void> handle(WebSocketSession client) {
                return handler.handle(new ClosedOnLoss(client))
                        .onErrorResume(failed -> {
                            // The type only: a failed handshake's message can quote the URI, ticket included.
                            log.warn("WebSocket proxying failed: {}", failed.getClass().getName());
                            return Mono.empty();
                        })
                        .then(Mono.defer(() -> closeIfOpen(client)));
            }
        });
    }

    private static Mono<Void> closeIfOpen(WebSocketSession client) {
        return client.isOpen() ? client.close(SERVICE_CONNECTION_LOST) : Mono.empty();
    }

    /** The client's session, closed with 1011 when the proxy stops reading it before it was closed. */
    private record ClosedOnLoss(WebSocketSession client) implements WebSocketSession {

        @Override
        public Flux<WebSocketMessage> receive() {
            return client.receive().doOnCancel(() -> closeIfOpen(client).subscribe());
        }

        @Override
        public String getId() {
            return client.getId();
        }

        @Override
        public HandshakeInfo getHandshakeInfo() {
            return client.getHandshakeInfo();
        }

        @Override
        public DataBufferFactory bufferFactory() {
            return client.bufferFactory();
        }

        @Override
        public Map<String, Object> getAttributes() {
            return client.getAttributes();
        }

        @Override
        public Mono<Void> send(Publisher<WebSocketMessage> messages) {
            return client.send(messages);
        }

        @Override
        public boolean isOpen() {
            return client.isOpen();
        }

        @Override
        public Mono<Void> close(CloseStatus status) {
            return client.close(status);
        }

        @Override
        public Mono<CloseStatus> closeStatus() {
            return client.closeStatus();
        }

        @Override
        public WebSocketMessage textMessage(String payload) {
            return client.textMessage(payload);
        }

        @Override
        public WebSocketMessage binaryMessage(Function<DataBufferFactory, DataBuffer> payloadFactory) {
            return client.binaryMessage(payloadFactory);
        }

        @Override
        public WebSocketMessage pingMessage(Function<DataBufferFactory, DataBuffer> payloadFactory) {
            return client.pingMessage(payloadFactory);
        }

        @Override
        public WebSocketMessage pongMessage(Function<DataBufferFactory, DataBuffer> payloadFactory) {
            return client.pongMessage(payloadFactory);
        }
    }
}
