package dev.polyglot.notification.live;

import dev.polyglot.notification.history.Notification;
import io.micrometer.tracing.TraceContext;
import java.time.Instant;
import java.util.Set;

/**
 * One item of a connection's send queue: a notification, a protocol frame (WebSocket only), topics withdrawn by the
 * server, or the request to close once everything before it is written.
 */
public sealed interface Outbound {

    /**
     * @param trace    the span this instance received the notification in (the fan-out's CONSUMER span), the parent
     *                 of each connection's {@code deliver} span; null for a replay from the history (no span then)
     * @param wsFrameUtf8 the WebSocket {@code event} frame, encoded once for every connection: nobody writes to it
     * @param time     the event's {@code time}, parsed once for every connection's latency sample
     * @param queuedAt when it was made (epoch milliseconds): the {@code deliver} span lasts until the write
     */
    record Event(Notification notification, byte[] wsFrameUtf8, String json, Instant time, TraceContext trace,
                 long queuedAt) implements Outbound {
    }

    record Control(String frame) implements Outbound {
    }

    /**
     * The server withdrew topics the user may no longer read (WebSocket: an {@code unsubscribed} frame without
     * request_id; SSE: nothing is written, the stream just stops carrying them).
     *
     * @param topics what the connection is still subscribed to
     * @param reason the frame's {@code reason}
     */
    record Withdrawn(Set<String> topics, String reason) implements Outbound {

        public static final String ROLE_CHANGED = "role_changed";
    }

    record Close(int code, String reason) implements Outbound {
    }
}
