package dev.polyglot.notification.websocket;

import dev.polyglot.contracts.CloseCode;
import dev.polyglot.contracts.websocket.AckFrame;
import dev.polyglot.contracts.websocket.ErrorFrame;
import dev.polyglot.contracts.websocket.PingFrame;
import dev.polyglot.contracts.websocket.PongFrame;
import dev.polyglot.contracts.websocket.SubscribeFrame;
import dev.polyglot.contracts.websocket.UnsubscribeFrame;
import dev.polyglot.notification.NotificationProperties;
import dev.polyglot.notification.Reader;
import dev.polyglot.notification.Topics;
import dev.polyglot.notification.history.NotificationHistory;
import dev.polyglot.notification.live.ConnectionRegistry;
import dev.polyglot.notification.live.LiveConnection;
import dev.polyglot.notification.live.Outbound;
import dev.polyglot.notification.live.WebSocketTickets;
import dev.polyglot.servicekit.contract.ContractViolationException;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /ws/notifications?ticket=…[&last_event_id=…]}: the protocol of contracts/asyncapi (channel
 * {@code notifications}): hello, subscribe/unsubscribe, event, ack, ping/pong both ways, error, and the close codes.
 */
class NotificationWebSocketHandler implements WebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(NotificationWebSocketHandler.class);
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** The subscribe and unsubscribe frames' maxItems: more is answered too_many_topics, and the socket stays open. */
    private static final int MAX_TOPICS_PER_FRAME = 10;
    /** A request_id's maxLength (request-id.schema.json). */
    private static final int MAX_REQUEST_ID_LENGTH = 64;
    /** How long a dropped slow consumer may take to read its close frame before its TCP connection is cut. */
    private static final Duration DROP_GRACE = Duration.ofSeconds(2);
    private static final Duration WRITABILITY_POLL = Duration.ofMillis(5);

    private final WebSocketTickets tickets;
    private final ConnectionRegistry connections;
    private final NotificationHistory history;
    private final NotificationProperties properties;
    private final JsonMapper json;
    private final ServerChannels channels;

    NotificationWebSocketHandler(WebSocketTickets tickets, ConnectionRegistry connections, NotificationHistory history,
                                 NotificationProperties properties, JsonMapper json, ServerChannels channels) {
        this.channels = channels;
        this.tickets = tickets;
        this.connections = connections;
        this.history = history;
        this.properties = properties;
        this.json = json;
    }

    @Override
    public Mono<Void> handle(WebSocketSession session) {
        String origin = session.getHandshakeInfo().getHeaders().getOrigin();
        // No Origin: not a browser, so no cross-site request to fear; the ticket still decides.
        if (origin != null && !properties.allowedOrigins().contains(origin)) {
            return session.close(close(CloseCode.HANDSHAKE_ORIGIN_NOT_ALLOWED, "origin not allowed"));
        }
        MultiValueMap<String, String> query = UriComponentsBuilder.fromUri(session.getHandshakeInfo().getUri())
                .build().getQueryParams();
        String lastEventId = query.getFirst("last_event_id");
        if (lastEventId != null && !UUID.matcher(lastEventId).matches()) {
            return session.close(close(CloseCode.PROTOCOL_ERROR, "last_event_id is not an event id"));
        }
        String ticket = query.getFirst("ticket");
        return Mono.fromCallable(() -> tickets.redeem(ticket))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(reader -> reader.isPresent()
                        ? serve(session, reader.get(), lastEventId)
                        : session.close(close(CloseCode.BAD_TICKET, "bad ticket")));
    }

    private Mono<Void> serve(WebSocketSession session, Reader reader, String lastEventId) {
        LiveConnection connection = new LiveConnection(reader, LiveConnection.Transport.WEBSOCKET,
                properties.sendQueueSize());
        if (!connections.tryAdmit(connection)) {
            return session.close(close(CloseCode.TOO_MANY_CONNECTIONS, "too many connections"));
        }
        connections.add(connection);
        connection.startReplay();
        connection.send(Frames.hello(connection, (int) properties.heartbeatInterval().toMillis(),
                properties.maxMessageBytes()));
        AtomicLong lastPong = new AtomicLong(System.nanoTime());
        Duration interval = properties.heartbeatInterval();
        Disposable heartbeat = Flux.interval(interval, interval).subscribe(tick -> {
            if (System.nanoTime() - lastPong.get() > 2 * interval.toNanos()) {
                connection.close(CloseCode.HEARTBEAT_TIMEOUT.code(), "heartbeat timeout");
            } else {
                connection.send(Frames.ping(Long.toString(tick)));
            }
        });
        Disposable replay = replay(connection, lastEventId);
        Disposable dropping = connection.dropped().then(Mono.fromRunnable(() -> {
            log.info("Closing slow consumer {} (user {}): more than {} frames waiting", connection.id(),
                    reader.userId(), properties.sendQueueSize());
            // Not waited for: the close frame queues behind what the client does not read.
            session.close(close(CloseCode.SLOW_CONSUMER, "slow consumer")).subscribe(null, ignored -> { });
        })).then(Mono.delay(DROP_GRACE)).subscribe(done -> cut(session));
        AtomicReference<CloseStatus> closeWith = new AtomicReference<>();
        Channel channel = session instanceof ReactorNettyWebSocketSession netty ? channels.find(netty.getChannelId())
                : null;
        Mono<Void> output = session.send(connection.outbound()
                        // One frame at a time, and only while Netty's outbound buffer is below its high-water mark:
                        // a client that does not read leaves its frames in its own bounded queue, which overflows.
                        .concatMap(item -> whenWritable(channel, item), 1)
                        .takeUntilOther(connection.dropped())
                        .takeWhile(item -> {
                            if (item instanceof Outbound.Close close) {
                                closeWith.set(new CloseStatus(close.code(), close.reason()));
                                return false;
                            }
                            return true;
                        })
                        .map(item -> message(session, connection, item))
                        // Nothing of the handshake's context is read while writing (each deliver span names its
                        // parent), and with automatic context propagation a non-empty one is restored into the
                        // thread locals around every signal of every connection (a tracing scope opened and closed
                        // each time, as a profile of the delivering thread showed).
                        .contextWrite(context -> Context.empty()))
                .then(Mono.defer(() -> {
                    if (closeWith.get() == null) {
                        return Mono.empty();
                    }
                    log.debug("Closing connection {} with {}", connection.id(), closeWith.get());
                    return session.close(closeWith.get());
                }));
        Mono<Void> input = session.receive()
                .doOnNext(message -> onFrame(connection, message, lastPong))
                .then()
                .doFinally(signal -> connection.end());
        return Mono.when(input, output)
                .onErrorResume(error -> Mono.empty())
                .doFinally(signal -> {
                    heartbeat.dispose();
                    replay.dispose();
                    dropping.dispose();
                    connections.remove(connection);
                });
    }

    private static Mono<Outbound> whenWritable(Channel channel, Outbound item) {
        if (channel == null || channel.isWritable()) {
            return Mono.just(item);
        }
        return Mono.fromCallable(() -> channel.isWritable() || !channel.isActive() ? item : null)
                .repeatWhenEmpty(Integer.MAX_VALUE, attempts -> attempts.delayElements(WRITABILITY_POLL));
    }

    private Disposable replay(LiveConnection connection, String lastEventId) {
        if (lastEventId == null) {
            connection.finishReplay(List.of());
            return Mono.empty().subscribe();
        }
        return Mono.fromCallable(() -> history.after(lastEventId, connection.topics()))
                .subscribeOn(Schedulers.boundedElastic())
                .subscribe(missed -> connection.finishReplay(missed.stream()
                                .map(stored -> connections.event(stored.notification(), stored.sequence())).toList()),
                        failed -> {
                            log.warn("Replay after {} failed: {}", lastEventId, failed.toString());
                            connection.finishReplay(List.of());
                        });
    }

    private WebSocketMessage message(WebSocketSession session, LiveConnection connection, Outbound item) {
        if (item instanceof Outbound.Event event) {
            connections.recordSent(connection, event);
            // The bytes encoded once for every connection, wrapped (not copied): the frame is never written to.
            return new WebSocketMessage(WebSocketMessage.Type.TEXT, session.bufferFactory().wrap(event.wsFrameUtf8()));
        }
        if (item instanceof Outbound.Withdrawn withdrawn) {
            return session.textMessage(Frames.withdrawn(withdrawn.reason(), withdrawn.topics()));
        }
        return session.textMessage(((Outbound.Control) item).frame());
    }

    /**
     * A client frame: its {@code type} picks the generated frame class, which it is then read as, strictly (unknown
     * members, wrong types and missing members are a bad_frame, then 4400).
     */
    private void onFrame(LiveConnection connection, WebSocketMessage message, AtomicLong lastPong) {
        if (message.getType() != WebSocketMessage.Type.TEXT) {
            if (message.getType() == WebSocketMessage.Type.BINARY) {
                fail(connection, ErrorFrame.Code.BAD_FRAME, "Frames are JSON text.", null, CloseCode.PROTOCOL_ERROR);
            }
            return;
        }
        if (message.getPayload().readableByteCount() > properties.maxMessageBytes()) {
            connection.close(CloseCode.MESSAGE_TOO_BIG.code(), "message too big");
            return;
        }
        String text = message.getPayloadAsText();
        JsonNode frame;
        try {
            frame = json.readTree(text);
        } catch (JacksonException notJson) {
            fail(connection, ErrorFrame.Code.BAD_FRAME, "A frame is one JSON object.", null, CloseCode.PROTOCOL_ERROR);
            return;
        }
        if (frame == null || !frame.isObject() || !frame.path("type").isString()) {
            fail(connection, ErrorFrame.Code.BAD_FRAME, "A frame is a JSON object with a type.", null,
                    CloseCode.PROTOCOL_ERROR);
            return;
        }
        String type = frame.path("type").asString();
        switch (type) {
            case "subscribe", "unsubscribe" -> {
                String requestId = requestIdOf(frame);
                if (frame.path("topics").size() > MAX_TOPICS_PER_FRAME) {
                    fail(connection, ErrorFrame.Code.TOO_MANY_TOPICS, "At most " + MAX_TOPICS_PER_FRAME
                            + " topics per frame.", requestId, null);
                } else if (type.equals("subscribe")) {
                    read(connection, text, SubscribeFrame.class, requestId).ifPresent(subscribe ->
                            changeTopics(connection, subscribe.getRequestId(), subscribe.getTopics(), true));
                } else {
                    read(connection, text, UnsubscribeFrame.class, requestId).ifPresent(unsubscribe ->
                            changeTopics(connection, unsubscribe.getRequestId(), unsubscribe.getTopics(), false));
                }
            }
            case "ack" -> read(connection, text, AckFrame.class, null).ifPresent(ack -> connections.recordAck());
            case "ping" -> read(connection, text, PingFrame.class, null)
                    .ifPresent(ping -> connection.send(Frames.pong(ping.getNonce())));
            case "pong" -> read(connection, text, PongFrame.class, null)
                    .ifPresent(pong -> lastPong.set(System.nanoTime()));
            default -> fail(connection, ErrorFrame.Code.UNKNOWN_TYPE, "Unknown frame type '" + type + "'.", null,
                    CloseCode.PROTOCOL_ERROR);
        }
    }

    /** The frame as its generated class; empty (and the connection failed with bad_frame) when the contract refuses it. */
    private <T> Optional<T> read(LiveConnection connection, String text, Class<T> frameClass, String requestId) {
        try {
            return Optional.of(Frames.CONTRACT.read(text, frameClass));
        } catch (ContractViolationException refused) {
            fail(connection, ErrorFrame.Code.BAD_FRAME, ContractViolationException.describe(refused.violations()),
                    requestId, CloseCode.PROTOCOL_ERROR);
            return Optional.empty();
        }
    }

    private void changeTopics(LiveConnection connection, String requestId, List<String> topics, boolean subscribe) {
        for (String topic : topics) {
            // The topic pattern is not on the generated list's items: checked here, answered without closing.
            if (!Topics.isValid(topic)) {
                fail(connection, ErrorFrame.Code.UNKNOWN_TOPIC, "No such topic: \"" + topic + "\".", requestId, null);
                return;
            }
        }
        if (subscribe) {
            Optional<String> forbidden = topics.stream().filter(topic -> !connection.reader().mayRead(topic)).findFirst();
            if (forbidden.isPresent()) {
                fail(connection, ErrorFrame.Code.FORBIDDEN_TOPIC, forbidden.get().equals(Topics.ADMIN)
                        ? "The admin topic needs the admin role." : "Only your own user topic.", requestId,
                        CloseCode.FORBIDDEN_TOPIC);
                return;
            }
            connection.subscribe(topics);
        } else {
            connection.unsubscribe(topics);
        }
        connection.send(Frames.topicsChanged(subscribe, requestId, connection.topics()));
    }

    private void fail(LiveConnection connection, ErrorFrame.Code code, String message, String requestId,
                      CloseCode closeCode) {
        connection.send(Frames.error(code, message, requestId, closeCode));
        if (closeCode != null) {
            connection.close(closeCode.code(), code.value());
        }
    }

    /** The frame's request_id when it is one the error frame may echo (a string of 1 to 64 characters), else null. */
    private static String requestIdOf(JsonNode frame) {
        JsonNode value = frame.path("request_id");
        return value.isString() && !value.asString().isEmpty() && value.asString().length() <= MAX_REQUEST_ID_LENGTH
                ? value.asString() : null;
    }

    private static CloseStatus close(CloseCode code, String reason) {
        return new CloseStatus(code.code(), reason);
    }

    /** A client that reads nothing never reads its close frame either: cut its TCP connection. */
    private void cut(WebSocketSession session) {
        if (session instanceof ReactorNettyWebSocketSession netty) {
            channels.cut(netty.getChannelId());
        }
    }
}
