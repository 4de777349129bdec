package dev.polyglot.notification.live;

import dev.polyglot.notification.history.Notification;
import java.time.Instant;
import java.util.Set;

/**
 * One item of a connection's send queue: a notification, a protocol frame (WebSocket only), topics withdrawn by the
 * server, or the request to close once everything before it is written.
 */
public sealed interface Outbound {

    /**
     * @param sequence    the notification's place in the platform-wide order (the history's sequence), by which each
     *                    connection sends it at most once; null only in a fan-out message without one (an instance
     *                    of an older version published it), which is then sent unchecked
     * @param wsFrameUtf8 the WebSocket {@code event} frame, encoded once for every connection: nobody writes to it
     * @param time        the event's {@code time}, parsed once for every connection's latency sample
     */
    record Event(Notification notification, Long sequence, byte[] wsFrameUtf8, String json, Instant time)
            implements Outbound {
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
