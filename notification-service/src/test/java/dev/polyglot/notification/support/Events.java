package dev.polyglot.notification.support;

import dev.polyglot.servicekit.events.CloudEvent;
import dev.polyglot.servicekit.events.EventPublisher;
import java.util.Map;
import java.util.UUID;

/** Events on platform.events as the other services publish them, through the backbone's real publisher. */
public final class Events {

    private Events() {
    }

    /** An inference.job.progress of the user's job, with a filler to make it as large as needed. */
    public static CloudEvent jobProgress(EventPublisher publisher, TestIdentity.User owner, int progress, String filler) {
        return publisher.publish("platform.events", "inference.job.progress", Map.of(
                "job_id", UUID.randomUUID().toString(), "user_id", owner.id(), "progress", progress,
                "processed_items", progress, "total_items", 100, "note", filler));
    }

    public static CloudEvent jobProgress(EventPublisher publisher, TestIdentity.User owner, int progress) {
        return jobProgress(publisher, owner, progress, "");
    }
}
