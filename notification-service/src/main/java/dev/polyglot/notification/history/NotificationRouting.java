package dev.polyglot.notification.history;

import dev.polyglot.notification.Topics;
import dev.polyglot.servicekit.events.CloudEvent;
import java.util.Optional;

/**
 * Which topic an event of platform.events is delivered on: a job's or a report's events to its owner
 * ({@code user:<data.user_id>}), a new account to the admins, a broadcast to everyone; nothing else.
 */
public final class NotificationRouting {

    private NotificationRouting() {
    }

    public static Optional<String> topicOf(CloudEvent event) {
        String type = event.type();
        if (type.startsWith("inference.job.") || type.startsWith("report.")) {
            String owner = event.data().path("user_id").asString("");
            String topic = Topics.user(owner);
            // An owner that is not a user id cannot be anyone's topic: such an event is not delivered.
            return Topics.isValid(topic) ? Optional.of(topic) : Optional.empty();
        }
        if (type.equals("user.registered")) {
            return Optional.of(Topics.ADMIN);
        }
        if (type.equals("notification.broadcast")) {
            return Optional.of(Topics.BROADCAST);
        }
        return Optional.empty();
    }
}
