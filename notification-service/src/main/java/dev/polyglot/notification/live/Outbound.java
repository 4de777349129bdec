package dev.polyglot.notification.live;

import dev.polyglot.notification.history.Notification;
import io.micrometer.tracing.TraceContext;

/**
 * One item of a connection's send queue: a notification, a protocol frame (WebSocket only), or the request to
 * close once everything before it is written.
 */
public sealed interface Outbound {

    /**
     * @param trace    the span this instance received the notification in (the fan-out's CONSUMER span), the parent
     *                 of each connection's {@code deliver} span; null for a replay from the history (no span then)
     * @param queuedAt when it was made (epoch milliseconds): the {@code deliver} span lasts until the write
     */
    record Event(Notification notification, String wsFrame, String json, TraceContext trace, long queuedAt)
            implements Outbound {
    }

    record Control(String frame) implements Outbound {
    }

    record Close(int code, String reason) implements Outbound {
    }
}
