package dev.polyglot.notification.live;

import dev.polyglot.notification.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One client connection (WebSocket or SSE) on this instance: its topics and a bounded queue of what is to be
 * written to it. Whoever delivers never waits: when the queue is full the connection is marked a slow consumer and
 * {@link #dropped()} fires, so the transport closes it without slowing anybody else.
 *
 * <p>Each notification is sent at most once per connection (a replay overlapping live delivery, or an event the
 * backbone delivered twice), told apart by its sequence in the history ({@link SentSequences}). While the replay of a
 * reconnect is running, live events are held back and sent after it, so the client sees them in order.
 */
public final class LiveConnection {

    private final String id = UUID.randomUUID().toString();
    /** Who reads, with the role of the token it opened with until a role change replaces it. */
    private volatile Reader reader;
    private final Transport transport;
    private final Set<String> topics = ConcurrentHashMap.newKeySet();
    private final Sinks.Many<Outbound> queue;
    private final Sinks.Empty<Void> dropped = Sinks.empty();
    private final SentSequences sent = new SentSequences();
    private boolean replaying;
    private final List<Outbound.Event> heldBack = new ArrayList<>();
    private boolean closing;
    private boolean overflowed;

    public LiveConnection(Reader reader, Transport transport, int queueSize) {
        this.reader = reader;
        this.transport = transport;
        // Bounded like an ArrayBlockingQueue, but its nodes exist only while frames wait: an array of queueSize
        // slots per connection was 4 KiB each (40 MiB at 10k connections) of an almost always empty queue.
        this.queue = Sinks.many().unicast().onBackpressureBuffer(new LinkedBlockingQueue<>(queueSize));
        this.topics.addAll(reader.readableTopics());
    }

    public String id() {
        return id;
    }

    public Reader reader() {
        return reader;
    }

    public Transport transport() {
        return transport;
    }

    public Set<String> topics() {
        return Set.copyOf(topics);
    }

    public void subscribe(Iterable<String> added) {
        added.forEach(topics::add);
    }

    public void unsubscribe(Iterable<String> removed) {
        removed.forEach(topics::remove);
    }

    public boolean isSubscribed(String topic) {
        return topics.contains(topic);
    }

    /**
     * The user's role changed (user.role_changed): from now on the connection reads as the new role, and the topics
     * that role may not read are withdrawn (a WebSocket client is told by a {@link Outbound.Withdrawn} frame). A
     * topic the new role may read is not added: the client subscribes to it if it wants it.
     *
     * @return the topics withdrawn, none when the new role may read them all
     */
    public synchronized Set<String> changeRole(String role) {
        reader = reader.withRole(role);
        Set<String> withdrawn = new TreeSet<>();
        for (String topic : topics) {
            if (!reader.mayRead(topic)) {
                withdrawn.add(topic);
            }
        }
        if (!withdrawn.isEmpty()) {
            topics.removeAll(withdrawn);
            emit(new Outbound.Withdrawn(Set.copyOf(topics), Outbound.Withdrawn.ROLE_CHANGED));
        }
        return withdrawn;
    }

    /** What the transport writes; ends after a {@link Outbound.Close} or when the connection is dropped. */
    public Flux<Outbound> outbound() {
        return queue.asFlux().takeUntilOther(dropped.asMono());
    }

    /** Fires once when the connection overflowed its queue. */
    public Mono<Void> dropped() {
        return dropped.asMono();
    }

    /** Live delivery: ignored unless subscribed; held back during a replay; each notification once. */
    public synchronized Delivery deliver(Outbound.Event event) {
        if (!topics.contains(event.notification().topic())) {
            return Delivery.NOT_SUBSCRIBED;
        }
        if (replaying) {
            heldBack.add(event);
            return Delivery.HELD_BACK;
        }
        return sendOnce(event);
    }

    public synchronized void startReplay() {
        replaying = true;
    }

    /** Sends the missed events, then what arrived live meanwhile. */
    public synchronized void finishReplay(List<Outbound.Event> missed) {
        missed.forEach(this::sendOnce);
        replaying = false;
        heldBack.forEach(this::sendOnce);
        heldBack.clear();
    }

    public synchronized void send(String controlFrame) {
        emit(new Outbound.Control(controlFrame));
    }

    /** Closes after what is queued has been written. */
    public synchronized void close(int code, String reason) {
        if (!closing) {
            closing = true;
            emit(new Outbound.Close(code, reason));
        }
    }

    private Delivery sendOnce(Outbound.Event event) {
        if (event.sequence() != null && !sent.markSent(event.sequence())) {
            return Delivery.DUPLICATE;
        }
        return emit(event) ? Delivery.QUEUED : Delivery.DROPPED;
    }

    /** False when the connection overflowed its queue, now or before: the item is not queued. */
    private boolean emit(Outbound item) {
        if (overflowed) {
            return false;
        }
        if (queue.tryEmitNext(item) == Sinks.EmitResult.FAIL_OVERFLOW) {
            overflowed = true;
            closing = true;
            dropped.tryEmitEmpty();
            return false;
        }
        return true;
    }

    /** The client went away: nothing more to write. */
    public synchronized void end() {
        closing = true;
        queue.tryEmitComplete();
    }

    public synchronized boolean isOverflowed() {
        return overflowed;
    }

    /** What {@link #deliver} did with a live notification. */
    public enum Delivery {
        NOT_SUBSCRIBED, HELD_BACK, DUPLICATE, QUEUED,
        /** The connection's queue is full (it is being dropped as a slow consumer): not queued. */
        DROPPED
    }

    public enum Transport {
        WEBSOCKET("websocket"), SSE("sse");

        public final String tag;

        Transport(String tag) {
            this.tag = tag;
        }
    }
}
