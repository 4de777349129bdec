package dev.polyglot.notification.history;

import dev.polyglot.notification.live.NotificationFanout;
import dev.polyglot.servicekit.events.CloudEvent;
import dev.polyglot.servicekit.events.EventHandler;

/**
 * The handler of group {@code notification} on platform.events: an event for someone is stored in its topic's
 * history, then fanned out to every instance. Throwing leaves the entry pending, so the backbone delivers it again;
 * the history keeps the first copy and each connection drops the repeat, so a retry never shows twice.
 */
public class NotificationFeed implements EventHandler {

    public static final String STREAM = "platform.events";
    public static final String GROUP = "notification";

    private final NotificationHistory history;
    private final NotificationFanout fanout;

    public NotificationFeed(NotificationHistory history, NotificationFanout fanout) {
        this.history = history;
        this.fanout = fanout;
    }

    @Override
    public void handle(CloudEvent event) {
        NotificationRouting.topicOf(event).ifPresent(topic -> {
            StoredNotification stored = history.append(Notification.of(event, topic));
            fanout.publish(stored.notification());
        });
    }
}
