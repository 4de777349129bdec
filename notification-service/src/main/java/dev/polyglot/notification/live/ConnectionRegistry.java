package dev.polyglot.notification.live;

import dev.polyglot.contracts.CloseCode;
import dev.polyglot.notification.NotificationProperties;
import dev.polyglot.notification.Topics;
import dev.polyglot.notification.history.Notification;
import dev.polyglot.servicekit.contract.ContractJson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.springframework.context.SmartLifecycle;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.json.JsonMapper;

/**
 * The connections open on this instance, by user, and the delivery to them of what the fan-out brings; the meters
 * of real-time delivery, and its spans: each write of a live notification to a connection is a span
 * {@code deliver <topic>} (a user's topic named by its template, {@code user:{id}}; the topic itself, the connection's
 * kind and the event id as tags), a child of the fan-out span it arrived in, from its arrival to the write.
 */
public class ConnectionRegistry implements SmartLifecycle {

    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(2);
    /** A span name per kind of topic, not per user (span names are indexed). */
    private static final String USER_TOPIC_TEMPLATE = "user:{id}";
    /** Writes the WebSocket event frame, checked against contracts/websocket/schemas/event.schema.json. */
    private static final ContractJson FRAMES = ContractJson.strict();

    private final Map<String, Set<LiveConnection>> byUser = new ConcurrentHashMap<>();
    private final Set<LiveConnection> all = ConcurrentHashMap.newKeySet();
    private final Map<LiveConnection.Transport, AtomicInteger> open = new EnumMap<>(LiveConnection.Transport.class);
    private final Map<LiveConnection.Transport, Counter> sent = new EnumMap<>(LiveConnection.Transport.class);
    private final Map<LiveConnection.Transport, Counter> droppedSlow = new EnumMap<>(LiveConnection.Transport.class);
    private final Timer latency;
    private final Counter acked;
    private final NotificationProperties properties;
    private final JsonMapper json;
    private final Tracer tracer;

    public ConnectionRegistry(NotificationProperties properties, JsonMapper json, MeterRegistry meters, Tracer tracer) {
        this.properties = properties;
        this.json = json;
        this.tracer = tracer;
        for (LiveConnection.Transport transport : LiveConnection.Transport.values()) {
            AtomicInteger count = new AtomicInteger();
            open.put(transport, count);
            Gauge.builder("notification.connections", count, AtomicInteger::get)
                    .description("Open client connections on this instance").tag("transport", transport.tag)
                    .register(meters);
            sent.put(transport, Counter.builder("notification.messages.sent")
                    .description("Notifications handed to a client connection").tag("transport", transport.tag)
                    .register(meters));
            droppedSlow.put(transport, Counter.builder("notification.slow.clients.dropped")
                    .description("Connections closed because their send queue overflowed").tag("transport", transport.tag)
                    .register(meters));
        }
        latency = Timer.builder("notification.delivery.latency")
                .description("From the event's time to its notification being handed to a client connection")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(meters);
        acked = Counter.builder("notification.acks").description("Event acks received from WebSocket clients")
                .register(meters);
    }

    /** Registers a connection unless its user already has the maximum open here. */
    public boolean tryAdd(LiveConnection connection) {
        boolean[] added = {false};
        byUser.compute(connection.reader().userId(), (user, connections) -> {
            Set<LiveConnection> set = connections != null ? connections : ConcurrentHashMap.newKeySet();
            if (set.size() < properties.maxConnectionsPerUser()) {
                set.add(connection);
                added[0] = true;
            }
            return set;
        });
        if (added[0]) {
            all.add(connection);
            open.get(connection.transport()).incrementAndGet();
        }
        return added[0];
    }

    public void remove(LiveConnection connection) {
        if (all.remove(connection)) {
            open.get(connection.transport()).decrementAndGet();
            byUser.computeIfPresent(connection.reader().userId(),
                    (user, connections) -> connections.remove(connection) && connections.isEmpty() ? null : connections);
            if (connection.isOverflowed()) {
                droppedSlow.get(connection.transport()).increment();
            }
        }
    }

    /** Hands a notification to every local connection subscribed to its topic. Never blocks. */
    public void deliver(Notification notification) {
        Outbound.Event event = event(notification);
        String owner = Topics.userOf(notification.topic());
        Iterable<LiveConnection> candidates = owner != null ? byUser.getOrDefault(owner, Set.of()) : all;
        for (LiveConnection connection : candidates) {
            connection.deliver(event);
        }
    }

    /** The queue item of a notification, serialized once for every connection, in the current span if any. */
    public Outbound.Event event(Notification notification) {
        Span current = tracer.currentSpan();
        return new Outbound.Event(notification, FRAMES.write(notification.toEventFrame(json)),
                json.writeValueAsString(notification), current == null ? null : current.context(),
                System.currentTimeMillis());
    }

    /** Called by a transport as it writes a notification to its client. */
    public void recordSent(LiveConnection connection, Outbound.Event event) {
        sent.get(connection.transport()).increment();
        latency.record(Duration.between(event.notification().timestamp(), Instant.now()));
        if (event.trace() != null) {
            String topic = event.notification().topic();
            tracer.spanBuilder().setParent(event.trace())
                    .name("deliver " + (Topics.userOf(topic) != null ? USER_TOPIC_TEMPLATE : topic))
                    .kind(Span.Kind.PRODUCER)
                    .tag("notification.topic", topic)
                    .tag("notification.connection.kind", connection.transport().tag)
                    .tag("messaging.message.id", event.notification().id())
                    .startTimestamp(event.queuedAt(), TimeUnit.MILLISECONDS)
                    .start()
                    .end();
        }
    }

    public void recordAck() {
        acked.increment();
    }

    /**
     * Tells every client to reconnect now (1001): live delivery to this instance was interrupted, and a client that
     * reconnects with its last event id gets what it missed from the history.
     */
    public void reconnectAll(String reason) {
        all.forEach(connection -> connection.close(CloseCode.SERVER_GOING_AWAY.code(), reason));
    }

    public int openConnections() {
        return all.size();
    }

    private volatile boolean running;

    @Override
    public void start() {
        running = true;
    }

    /**
     * Before the web server stops: every client is told the server is going away (1001) and reconnects elsewhere;
     * waits a moment for the close frames to be written.
     */
    @Override
    public void stop() {
        running = false;
        all.forEach(connection -> connection.close(CloseCode.SERVER_GOING_AWAY.code(), "server going away"));
        long deadline = System.nanoTime() + SHUTDOWN_WAIT.toNanos();
        while (!all.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
