package dev.polyglot.notification.history;

import dev.polyglot.contracts.EventTypes;
import dev.polyglot.notification.Topics;
import dev.polyglot.notification.live.NotificationFanout;
import dev.polyglot.notification.live.NotificationFanout.AccountChange;
import dev.polyglot.servicekit.events.EventHandlers;
import dev.polyglot.servicekit.events.TypedEvent;

/**
 * The handlers of group {@code notification} on platform.events, one per event type it delivers (the AsyncAPI
 * document's {@code handles} for the group): a job's or a report's events go to their owner ({@code user:<user_id>} of
 * the typed payload), a new account to the admins, a broadcast to everyone. A role change or an account deletion is
 * no notification: it goes to every instance as an account change on the fan-out channel, and each withdraws the
 * topics the new role may not read from the user's connections, or closes them. Every other type is acknowledged and
 * ignored by the dispatcher; an event whose data breaks its contract is dead-lettered by it (acknowledged and logged).
 *
 * <p>Delivering stores the notification in its topic's history, then fans it out to every instance. Throwing leaves
 * the entry pending, so the backbone delivers it again; the history keeps the first copy and each connection drops
 * the repeat, so a retry never shows twice.
 */
public class NotificationFeed {

    private final NotificationHistory history;
    private final NotificationFanout fanout;

    public NotificationFeed(NotificationHistory history, NotificationFanout fanout) {
        this.history = history;
        this.fanout = fanout;
    }

    public EventHandlers handlers() {
        return EventHandlers.builder()
                .on(EventTypes.INFERENCE_JOB_PROGRESS, event -> deliver(event, Topics.user(event.payload().getUserId())))
                .on(EventTypes.INFERENCE_JOB_COMPLETED, event -> deliver(event, Topics.user(event.payload().getUserId())))
                .on(EventTypes.INFERENCE_JOB_FAILED, event -> deliver(event, Topics.user(event.payload().getUserId())))
                .on(EventTypes.REPORT_PROGRESS, event -> deliver(event, Topics.user(event.payload().getUserId())))
                .on(EventTypes.REPORT_READY, event -> deliver(event, Topics.user(event.payload().getUserId())))
                .on(EventTypes.REPORT_FAILED, event -> deliver(event, Topics.user(event.payload().getUserId())))
                .on(EventTypes.USER_REGISTERED, event -> deliver(event, Topics.ADMIN))
                .on(EventTypes.NOTIFICATION_BROADCAST, event -> deliver(event, Topics.BROADCAST))
                .on(EventTypes.USER_ROLE_CHANGED, event -> fanout.publish(AccountChange.roleChanged(
                        event.envelope().id(), event.payload().getUserId().toString(),
                        event.payload().getNewRole().value())))
                .on(EventTypes.USER_DELETED, event -> fanout.publish(AccountChange.deleted(event.envelope().id(),
                        event.payload().getUserId().toString())))
                .build();
    }

    private void deliver(TypedEvent<?> event, String topic) {
        fanout.publish(Notification.of(event.envelope(), topic), history);
    }
}
