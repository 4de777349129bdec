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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.json.JsonMapper;

/**
 * The connections open on this instance, by user, and the delivery to them of what the fan-out brings; their leases
 * in Redis, which make the per-user cap hold across instances ({@link ConnectionLeases}), renewed here every third of
 * a lease; what a role change or an account deletion does to them; the meters
 * of real-time delivery, and its span: handing a live notification to this instance's connections is one span
 * {@code deliver <topic>} (a user's topic named by its template, {@code user:{id}}), a child of the fan-out span it
 * arrived in, from its arrival until every subscribed connection has it queued; its tags count the connections by
 * kind and what was not queued (see {@link #deliver}). One span per notification and instance, not per connection:
 * at 10,000 connections a span each was 10,000 spans per broadcast. Each connection's write is timed by the
 * delivery latency meter.
 */
public class ConnectionRegistry implements SmartLifecycle {

    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(2);
    /** A span name per kind of topic, not per user (span names are indexed). */
    private static final String USER_TOPIC_TEMPLATE = "user:{id}";
    /** Writes the WebSocket event frame, checked against contracts/websocket/schemas/event.schema.json. */
    private static final ContractJson FRAMES = ContractJson.strict();
    private static final Logger log = LoggerFactory.getLogger(ConnectionRegistry.class);

    private final Map<String, Set<LiveConnection>> byUser = new ConcurrentHashMap<>();
    private final Set<LiveConnection> all = ConcurrentHashMap.newKeySet();
    private final Map<LiveConnection.Transport, AtomicInteger> open = new EnumMap<>(LiveConnection.Transport.class);
    private final Map<LiveConnection.Transport, Counter> sent = new EnumMap<>(LiveConnection.Transport.class);
    private final Map<LiveConnection.Transport, Counter> droppedSlow = new EnumMap<>(LiveConnection.Transport.class);
    private final Timer latency;
    private final Counter acked;
    private final NotificationProperties properties;
    private final ConnectionLeases leases;
    private final JsonMapper json;
    private final Tracer tracer;
    private volatile Disposable renewal;

    public ConnectionRegistry(NotificationProperties properties, ConnectionLeases leases, JsonMapper json,
                              MeterRegistry meters, Tracer tracer) {
        this.properties = properties;
        this.leases = leases;
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

    /**
     * Blocking (a Redis round trip): takes the connection's lease unless its user already has the maximum open on all
     * instances together. The transport then {@link #add}s it, or, when its client went away meanwhile, leaves the
     * lease to lapse: a lease is renewed only for a connection added here.
     */
    public boolean tryAdmit(LiveConnection connection) {
        return leases.tryAcquire(connection.reader().userId(), connection.id(), properties.maxConnectionsPerUser());
    }

    /** Registers an admitted connection: it gets what the fan-out brings, and its lease is renewed until removed. */
    public void add(LiveConnection connection) {
        byUser.compute(connection.reader().userId(), (user, connections) -> {
            Set<LiveConnection> set = connections != null ? connections : ConcurrentHashMap.newKeySet();
            set.add(connection);
            return set;
        });
        all.add(connection);
        open.get(connection.transport()).incrementAndGet();
    }

    public void remove(LiveConnection connection) {
        if (all.remove(connection)) {
            open.get(connection.transport()).decrementAndGet();
            String userId = connection.reader().userId();
            byUser.computeIfPresent(userId,
                    (user, connections) -> connections.remove(connection) && connections.isEmpty() ? null : connections);
            leases.release(userId, connection.id()).whenComplete((released, failed) -> {
                if (failed != null) {
                    log.warn("Could not release the lease of connection {} (it lapses by itself): {}", connection.id(),
                            failed.toString());
                }
            });
            if (connection.isOverflowed()) {
                droppedSlow.get(connection.transport()).increment();
            }
        }
    }

    /**
     * The user's role changed: each of the user's connections here reads as the new role from now on, and loses the
     * topics that role may not read.
     */
    public void changeRole(String userId, String role) {
        for (LiveConnection connection : byUser.getOrDefault(userId, Set.of())) {
            Set<String> withdrawn = connection.changeRole(role);
            if (!withdrawn.isEmpty()) {
                log.info("Withdrew {} from connection {} of user {}: role is now {}", withdrawn, connection.id(),
                        userId, role);
            }
        }
    }

    /** The user's account was deleted: each of the user's connections here is closed with {@code code}. */
    public void closeUser(String userId, int code, String reason) {
        for (LiveConnection connection : byUser.getOrDefault(userId, Set.of())) {
            log.info("Closing connection {} of user {}: {}", connection.id(), userId, reason);
            connection.close(code, reason);
        }
    }

    /**
     * Hands a notification to every local connection subscribed to its topic, each at most once by its
     * {@code sequence} in the history. Never blocks. In a traced fan-out, one {@code deliver} span with the counts:
     * {@code notification.connections} queued ({@code .websocket}, {@code .sse}), {@code notification.held_back}
     * (replaying, sent after it), {@code notification.duplicates} (already sent), {@code notification.failed}
     * (queue full: the connection is dropped as a slow consumer).
     */
    public void deliver(Notification notification, Long sequence) {
        Span parent = tracer.currentSpan();
        Span span = parent == null ? null : tracer.spanBuilder().setParent(parent.context())
                .name("deliver " + (Topics.userOf(notification.topic()) != null ? USER_TOPIC_TEMPLATE
                        : notification.topic()))
                .kind(Span.Kind.PRODUCER)
                .tag("notification.topic", notification.topic())
                .tag("messaging.message.id", notification.id())
                .start();
        Outbound.Event event = event(notification, sequence);
        String owner = Topics.userOf(notification.topic());
        Iterable<LiveConnection> candidates = owner != null ? byUser.getOrDefault(owner, Set.of()) : all;
        int websocket = 0;
        int sse = 0;
        int heldBack = 0;
        int duplicates = 0;
        int failed = 0;
        // With no span in scope while the connections' queues are fed: each queued frame signals the connection's
        // writer on this thread, and automatic context propagation would otherwise take the fan-out span's scope out
        // of the thread locals and put it back around every signal (a third of this loop's time in a profile). The
        // deliver span names its parent explicitly; nothing downstream reads the scope.
        try (Tracer.SpanInScope noScope = tracer.withSpan(null)) {
            for (LiveConnection connection : candidates) {
                switch (connection.deliver(event)) {
                    case QUEUED -> {
                        if (connection.transport() == LiveConnection.Transport.WEBSOCKET) {
                            websocket++;
                        } else {
                            sse++;
                        }
                    }
                    case HELD_BACK -> heldBack++;
                    case DUPLICATE -> duplicates++;
                    case DROPPED -> failed++;
                    case NOT_SUBSCRIBED -> { }
                }
            }
        }
        if (span != null) {
            span.tag("notification.connections", Integer.toString(websocket + sse))
                    .tag("notification.connections.websocket", Integer.toString(websocket))
                    .tag("notification.connections.sse", Integer.toString(sse))
                    .tag("notification.held_back", Integer.toString(heldBack))
                    .tag("notification.duplicates", Integer.toString(duplicates))
                    .tag("notification.failed", Integer.toString(failed))
                    .end();
        }
    }

    /**
     * The queue item of a notification, serialized, encoded and its time parsed once for every connection (done per
     * connection, each is repeated 10,000 times per broadcast at 10k connections).
     */
    public Outbound.Event event(Notification notification, Long sequence) {
        return new Outbound.Event(notification, sequence,
                FRAMES.write(notification.toEventFrame(json)).getBytes(StandardCharsets.UTF_8),
                json.writeValueAsString(notification), notification.timestamp());
    }

    /** Called by a transport as it writes a notification to its client. */
    public void recordSent(LiveConnection connection, Outbound.Event event) {
        sent.get(connection.transport()).increment();
        latency.record(Duration.between(event.time(), Instant.now()));
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

    /** Renews the leases of every open connection every third of a lease, so that a lease lapses only if we die. */
    @Override
    public void start() {
        Duration period = leases.lease().dividedBy(3);
        renewal = Flux.interval(period, period)
                .onBackpressureDrop()
                .concatMap(tick -> Mono.fromCompletionStage(() -> leases.renew(openConnectionIdsByUser()))
                        .onErrorResume(failed -> {
                            log.warn("Could not renew the connection leases (they lapse in {} unless renewed): {}",
                                    leases.lease(), failed.toString());
                            return Mono.empty();
                        }), 1)
                .subscribe();
        running = true;
    }

    private Map<String, List<String>> openConnectionIdsByUser() {
        Map<String, List<String>> ids = new HashMap<>();
        byUser.forEach((user, connections) -> ids.put(user, connections.stream().map(LiveConnection::id).toList()));
        return ids;
    }

    /**
     * Before the web server stops: every client is told the server is going away (1001) and reconnects elsewhere;
     * waits a moment for the close frames to be written.
     */
    @Override
    public void stop() {
        running = false;
        Disposable renewing = renewal;
        if (renewing != null) {
            renewing.dispose();
        }
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
