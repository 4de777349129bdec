package dev.polyglot.notification.live;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.polyglot.contracts.CloseCode;
import dev.polyglot.notification.history.Notification;
import dev.polyglot.notification.history.NotificationHistory;
import dev.polyglot.notification.history.StoredNotification;
import dev.polyglot.servicekit.events.EventTracing;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.redisson.api.RTopic;
import org.redisson.api.listener.BaseStatusListener;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cross-instance delivery: the instance that consumed an event publishes its notification on the Redis channel
 * {@code notification:fanout}; every instance (itself included) receives it and delivers it to its own connections.
 * Pub/sub is at most once: an instance cut off from Redis for a moment misses what was published meanwhile, and its
 * clients get it from the history when they reconnect with their last event id. A client whose socket stayed open
 * through the cut (only this instance's link to Redis broke) would never reconnect, so when the subscription is made
 * again after a loss every connection of this instance is closed with 1001 (found by the chaos suite: a broadcast
 * published during a Redis cut reached no client).
 *
 * <p>The message is {@code {"notification": {...}, "sequence": n, "traceparent": "...", "tracestate": "..."}}, the
 * sequence being the notification's place in the history, by which each connection sends it at most once: publishing
 * is a PRODUCER span {@code send notification:fanout} (a child of the event's CONSUMER span), whose W3C context the
 * message carries; each instance's delivery is a CONSUMER span {@code process notification:fanout}, its child, and
 * in it the {@code deliver} span of handing it to the instance's connections (see
 * {@link ConnectionRegistry#deliver}). One trace from the event to the connections.
 *
 * <p>The same channel carries what every instance must do to a user's open connections when the account changes:
 * {@code {"account_change": {"event_id", "user_id", "role"|"deleted"}, ...}} withdraws the topics the new role may
 * not read, or closes them all (4410). The same channel, so the recovery after a lost subscription covers these too:
 * every client reconnects, and a change missed meanwhile does not outlive its connection.
 */
public class NotificationFanout implements SmartLifecycle {

    public static final String CHANNEL = "notification:fanout";
    private static final Logger log = LoggerFactory.getLogger(NotificationFanout.class);

    private final RTopic topic;
    private final ConnectionRegistry connections;
    private final JsonMapper json;
    private final EventTracing tracing;
    private volatile Integer listenerId;
    private volatile Integer statusListenerId;

    public NotificationFanout(RedissonClient redisson, ConnectionRegistry connections, JsonMapper json,
                              EventTracing tracing) {
        this.topic = redisson.getTopic(CHANNEL, StringCodec.INSTANCE);
        this.connections = connections;
        this.json = json;
        this.tracing = tracing;
    }

    /**
     * Stores the notification in the history and publishes it to every instance in one script (the history's
     * {@code appendAndPublish}): its sequence is taken and its message published in one step, so every instance
     * receives live notifications in the history's order, the order a reconnecting client resumes in. Taken apart,
     * two instances could publish two notifications in the reverse of their sequences, and a client that had
     * received the later one first and then resumed after the earlier one got the later one again (the chaos suite,
     * two instances). Also for a redelivered event, which keeps its first sequence. Blocking.
     */
    public StoredNotification publish(Notification notification, NotificationHistory history) {
        Span span = tracing.startSend(CHANNEL, notification.id());
        try (Tracer.SpanInScope scope = tracing.inScope(span)) {
            Map<String, String> trace = tracing.context(span);
            return history.appendAndPublish(notification, CHANNEL, json.writeValueAsString(new Message(notification,
                    null, null, trace.get(EventTracing.TRACEPARENT), trace.get(EventTracing.TRACESTATE))));
        } catch (RuntimeException failure) {
            span.error(failure);
            throw failure;
        } finally {
            span.end();
        }
    }

    /** Blocking: every instance applies the change to the user's connections once Redis has it. */
    public void publish(AccountChange change) {
        send(change.eventId(), trace -> new Message(null, null, change, trace.get(EventTracing.TRACEPARENT),
                trace.get(EventTracing.TRACESTATE)));
    }

    private void send(String messageId, Function<Map<String, String>, Message> message) {
        Span span = tracing.startSend(CHANNEL, messageId);
        try (Tracer.SpanInScope scope = tracing.inScope(span)) {
            topic.publish(json.writeValueAsString(message.apply(tracing.context(span))));
        } catch (RuntimeException failure) {
            span.error(failure);
            throw failure;
        } finally {
            span.end();
        }
    }

    @Override
    public void start() {
        // Before the message listener, so that its first onSubscribe is the first subscription; any later one is the
        // subscription made again once Redis is back, with a gap before it.
        AtomicBoolean subscribedBefore = new AtomicBoolean();
        statusListenerId = topic.addListener(new BaseStatusListener() {
            @Override
            public void onSubscribe(String channel) {
                if (subscribedBefore.getAndSet(true)) {
                    log.warn("Subscribed to {} again after losing it: every client reconnects (1001) to get what it "
                            + "missed from the history", channel);
                    connections.reconnectAll("live delivery was interrupted: reconnect with your last event id");
                }
            }
        });
        listenerId = topic.addListener(String.class, (channel, text) -> {
            Message message;
            try {
                message = json.readValue(text, Message.class);
            } catch (RuntimeException unreadable) {
                log.warn("Ignored an unreadable fan-out message: {}", unreadable.toString());
                return;
            }
            if (!message.isComplete()) {
                log.warn("Ignored a fan-out message with neither a notification nor a whole account change: {}",
                        text.length() > 200 ? text.substring(0, 200) + "…" : text);
                return;
            }
            Map<String, String> carried = new HashMap<>();
            if (message.traceparent() != null) {
                carried.put(EventTracing.TRACEPARENT, message.traceparent());
            }
            if (message.tracestate() != null) {
                carried.put(EventTracing.TRACESTATE, message.tracestate());
            }
            Span span = tracing.startProcess(CHANNEL, message.id(), carried);
            try (Tracer.SpanInScope scope = tracing.inScope(span)) {
                if (message.notification() != null) {
                    connections.deliver(message.notification(), message.sequence());
                } else if (message.accountChange().deleted()) {
                    connections.closeUser(message.accountChange().userId(), CloseCode.ACCOUNT_DELETED.code(),
                            "account deleted");
                } else {
                    connections.changeRole(message.accountChange().userId(), message.accountChange().role());
                }
            } catch (RuntimeException failure) {
                span.error(failure);
                log.warn("Fan-out of {} failed: {}", message.id(), failure.toString());
            } finally {
                span.end();
            }
        });
    }

    /**
     * What travels on the channel: a notification with its sequence in the history, or an account change, and the
     * W3C context of its PRODUCER span.
     */
    // Without nulls: a notification's message is written without its sequence, which the history's script puts first.
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Message(Notification notification, Long sequence, AccountChange accountChange, String traceparent,
                   String tracestate) {

        boolean isComplete() {
            return notification != null && notification.id() != null
                    || accountChange != null && accountChange.eventId() != null && accountChange.userId() != null
                    && (accountChange.deleted() || accountChange.role() != null);
        }

        String id() {
            return notification != null ? notification.id() : accountChange.eventId();
        }
    }

    /**
     * A user's account changed (user.role_changed or user.deleted, the event that said so).
     *
     * @param role    the new role, when it changed
     * @param deleted the account is gone
     */
    public record AccountChange(String eventId, String userId, String role, boolean deleted) {

        public static AccountChange roleChanged(String eventId, String userId, String role) {
            return new AccountChange(eventId, userId, role, false);
        }

        public static AccountChange deleted(String eventId, String userId) {
            return new AccountChange(eventId, userId, null, true);
        }
    }

    @Override
    public void stop() {
        Integer id = listenerId;
        if (id != null) {
            topic.removeListener(id);
            listenerId = null;
        }
        Integer statusId = statusListenerId;
        if (statusId != null) {
            topic.removeListener(statusId);
            statusListenerId = null;
        }
    }

    @Override
    public boolean isRunning() {
        return listenerId != null;
    }
}
