package dev.polyglot.notification.websocket;

import dev.polyglot.notification.NotificationProperties;
import dev.polyglot.notification.Reader;
import dev.polyglot.notification.Topics;
import dev.polyglot.notification.history.NotificationHistory;
import dev.polyglot.notification.live.ConnectionRegistry;
import dev.polyglot.notification.live.LiveConnection;
import dev.polyglot.notification.live.Outbound;
import dev.polyglot.notification.live.WebSocketTickets;
import dev.polyglot.servicekit.events.CloudEvent;
import io.netty.channel.Channel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /ws/notifications?ticket=…[&last_event_id=…]}: the protocol of contracts/asyncapi (channel
 * {@code notifications}): hello, subscribe/unsubscribe, event, ack, ping/pong both ways, error, and the close codes.
 */
class NotificationWebSocketHandler implements WebSocketHandler {

    static final int ORIGIN_NOT_ALLOWED = 1008;
    static final int MESSAGE_TOO_BIG = 1009;
    static final int PROTOCOL_ERROR = 4400;
    static final int BAD_TICKET = 4401;
    static final int FORBIDDEN_TOPIC = 4403;
    static final int HEARTBEAT_TIMEOUT = 4408;
    static final int TOO_MANY_CONNECTIONS = 4409;
    static final int SLOW_CONSUMER = 4429;

    private static final Logger log = LoggerFactory.getLogger(NotificationWebSocketHandler.class);
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final int MAX_TOPICS_PER_FRAME = 10;
    private static final int MAX_TOKEN_LENGTH = 64;
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
            return session.close(new CloseStatus(ORIGIN_NOT_ALLOWED, "origin not allowed"));
        }
        MultiValueMap<String, String> query = UriComponentsBuilder.fromUri(session.getHandshakeInfo().getUri())
                .build().getQueryParams();
        String lastEventId = query.getFirst("last_event_id");
        if (lastEventId != null && !UUID.matcher(lastEventId).matches()) {
            return session.close(new CloseStatus(PROTOCOL_ERROR, "last_event_id is not an event id"));
        }
        String ticket = query.getFirst("ticket");
        return Mono.fromCallable(() -> tickets.redeem(ticket))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(reader -> reader.isPresent()
                        ? serve(session, reader.get(), lastEventId)
                        : session.close(new CloseStatus(BAD_TICKET, "bad ticket")));
    }

    private Mono<Void> serve(WebSocketSession session, Reader reader, String lastEventId) {
        LiveConnection connection = new LiveConnection(reader, LiveConnection.Transport.WEBSOCKET,
                properties.sendQueueSize());
        if (!connections.tryAdd(connection)) {
            return session.close(new CloseStatus(TOO_MANY_CONNECTIONS, "too many connections"));
        }
        connection.startReplay();
        connection.send(hello(connection));
        AtomicLong lastPong = new AtomicLong(System.nanoTime());
        Duration interval = properties.heartbeatInterval();
        Disposable heartbeat = Flux.interval(interval, interval).subscribe(tick -> {
            if (System.nanoTime() - lastPong.get() > 2 * interval.toNanos()) {
                connection.close(HEARTBEAT_TIMEOUT, "heartbeat timeout");
            } else {
                connection.send(frame("ping").put("nonce", Long.toString(tick)).toString());
            }
        });
        Disposable replay = replay(connection, lastEventId);
        Disposable dropping = connection.dropped().then(Mono.fromRunnable(() -> {
            log.info("Closing slow consumer {} (user {}): more than {} frames waiting", connection.id(),
                    reader.userId(), properties.sendQueueSize());
            // Not waited for: the close frame queues behind what the client does not read.
            session.close(new CloseStatus(SLOW_CONSUMER, "slow consumer")).subscribe(null, ignored -> { });
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
                        .map(item -> session.textMessage(text(connection, item))))
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
                                .map(stored -> connections.event(stored.notification())).toList()),
                        failed -> {
                            log.warn("Replay after {} failed: {}", lastEventId, failed.toString());
                            connection.finishReplay(List.of());
                        });
    }

    private String text(LiveConnection connection, Outbound item) {
        if (item instanceof Outbound.Event event) {
            connections.recordSent(connection, event);
            return event.wsFrame();
        }
        return ((Outbound.Control) item).frame();
    }

    private void onFrame(LiveConnection connection, WebSocketMessage message, AtomicLong lastPong) {
        if (message.getType() != WebSocketMessage.Type.TEXT) {
            if (message.getType() == WebSocketMessage.Type.BINARY) {
                fail(connection, "bad_frame", "Frames are JSON text.", null, PROTOCOL_ERROR);
            }
            return;
        }
        if (message.getPayload().readableByteCount() > properties.maxMessageBytes()) {
            connection.close(MESSAGE_TOO_BIG, "message too big");
            return;
        }
        JsonNode frame;
        try {
            frame = json.readTree(message.getPayloadAsText());
        } catch (JacksonException notJson) {
            fail(connection, "bad_frame", "A frame is one JSON object.", null, PROTOCOL_ERROR);
            return;
        }
        if (frame == null || !frame.isObject() || !frame.path("type").isString()) {
            fail(connection, "bad_frame", "A frame is a JSON object with a type.", null, PROTOCOL_ERROR);
            return;
        }
        switch (frame.path("type").asString()) {
            case "subscribe" -> changeTopics(connection, frame, true);
            case "unsubscribe" -> changeTopics(connection, frame, false);
            case "ack" -> {
                if (!UUID.matcher(frame.path("id").asString("")).matches()) {
                    fail(connection, "bad_frame", "ack needs the event id.", null, PROTOCOL_ERROR);
                } else {
                    connections.recordAck();
                }
            }
            case "ping" -> {
                String nonce = token(frame, "nonce");
                if (nonce == null) {
                    fail(connection, "bad_frame", "ping needs a nonce of 1 to 64 characters.", null, PROTOCOL_ERROR);
                } else {
                    connection.send(frame("pong").put("nonce", nonce).toString());
                }
            }
            case "pong" -> lastPong.set(System.nanoTime());
            default -> fail(connection, "unknown_type", "Unknown frame type '" + frame.path("type").asString() + "'.",
                    null, PROTOCOL_ERROR);
        }
    }

    private void changeTopics(LiveConnection connection, JsonNode frame, boolean subscribe) {
        String requestId = token(frame, "request_id");
        JsonNode topics = frame.path("topics");
        if (requestId == null || !topics.isArray() || topics.isEmpty()) {
            fail(connection, "bad_frame", "subscribe and unsubscribe need a request_id and a list of topics.",
                    requestId, PROTOCOL_ERROR);
            return;
        }
        if (topics.size() > MAX_TOPICS_PER_FRAME) {
            fail(connection, "too_many_topics", "At most " + MAX_TOPICS_PER_FRAME + " topics per frame.", requestId,
                    null);
            return;
        }
        List<String> named = new ArrayList<>();
        for (JsonNode topic : topics) {
            if (!Topics.isValid(topic.asString(null))) {
                fail(connection, "unknown_topic", "No such topic: " + topic + ".", requestId, null);
                return;
            }
            named.add(topic.asString());
        }
        if (subscribe) {
            Optional<String> forbidden = named.stream().filter(topic -> !connection.reader().mayRead(topic)).findFirst();
            if (forbidden.isPresent()) {
                fail(connection, "forbidden_topic", forbidden.get().equals(Topics.ADMIN)
                        ? "The admin topic needs the admin role." : "Only your own user topic.", requestId,
                        FORBIDDEN_TOPIC);
                return;
            }
            connection.subscribe(named);
        } else {
            connection.unsubscribe(named);
        }
        ObjectNode reply = frame(subscribe ? "subscribed" : "unsubscribed").put("request_id", requestId);
        var list = reply.putArray("topics");
        connection.topics().stream().sorted().forEach(list::add);
        connection.send(reply.toString());
    }

    private void fail(LiveConnection connection, String code, String message, String requestId, Integer closeCode) {
        ObjectNode error = frame("error").put("code", code).put("message", message);
        if (requestId != null) {
            error.put("request_id", requestId);
        }
        if (closeCode != null) {
            error.put("close_code", closeCode);
        }
        connection.send(error.toString());
        if (closeCode != null) {
            connection.close(closeCode, code);
        }
    }

    private String hello(LiveConnection connection) {
        ObjectNode hello = frame("hello")
                .put("connection_id", connection.id())
                .put("user_id", connection.reader().userId())
                .put("role", connection.reader().role());
        var topics = hello.putArray("topics");
        connection.topics().stream().sorted().forEach(topics::add);
        return hello.put("heartbeat_interval_ms", properties.heartbeatInterval().toMillis())
                .put("max_message_bytes", properties.maxMessageBytes())
                .put("server_time", CloudEvent.formatTime(Instant.now()))
                .toString();
    }

    private ObjectNode frame(String type) {
        return json.createObjectNode().put("type", type);
    }

    /** A string member of 1 to 64 characters, else null. */
    private static String token(JsonNode frame, String member) {
        JsonNode value = frame.path(member);
        return value.isString() && !value.asString().isEmpty() && value.asString().length() <= MAX_TOKEN_LENGTH
                ? value.asString() : null;
    }

    /** A client that reads nothing never reads its close frame either: cut its TCP connection. */
    private void cut(WebSocketSession session) {
        if (session instanceof ReactorNettyWebSocketSession netty) {
            channels.cut(netty.getChannelId());
        }
    }
}
