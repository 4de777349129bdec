package dev.polyglot.notification.live;

import dev.polyglot.notification.history.Notification;

/**
 * One item of a connection's send queue: a notification, a protocol frame (WebSocket only), or the request to
 * close once everything before it is written.
 */
public sealed interface Outbound {

    record Event(Notification notification, String wsFrame, String json) implements Outbound {
    }

    record Control(String frame) implements Outbound {
    }

    record Close(int code, String reason) implements Outbound {
    }
}
