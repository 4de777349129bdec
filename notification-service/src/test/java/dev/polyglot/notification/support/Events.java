package dev.polyglot.notification.support;

import dev.polyglot.contracts.events.InferenceJobFailed;
import dev.polyglot.contracts.events.InferenceJobProgress;
import dev.polyglot.contracts.events.UserRoleChanged;
import dev.polyglot.servicekit.events.CloudEvent;
import dev.polyglot.servicekit.events.EventPublisher;
import java.time.Instant;
import java.util.UUID;

/** Events on platform.events as the other services publish them: generated payloads, the backbone's real publisher. */
public final class Events {

    private Events() {
    }

    /** An inference.job.progress of one of the user's jobs. */
    public static CloudEvent jobProgress(EventPublisher publisher, TestIdentity.User owner, int progress) {
        InferenceJobProgress payload = new InferenceJobProgress();
        payload.setJobId(UUID.randomUUID());
        payload.setUserId(UUID.fromString(owner.id()));
        payload.setProgress(progress);
        payload.setProcessedItems(progress);
        payload.setTotalItems(100);
        return publisher.publish(payload, "jobs/" + payload.getJobId());
    }

    /** An inference.job.failed of one of the user's jobs, whose reason makes the event as large as needed. */
    public static CloudEvent jobFailed(EventPublisher publisher, TestIdentity.User owner, String reason) {
        InferenceJobFailed payload = new InferenceJobFailed();
        payload.setJobId(UUID.randomUUID());
        payload.setUserId(UUID.fromString(owner.id()));
        payload.setErrorCode("model_unavailable");
        payload.setReason(reason);
        payload.setFailedAt(Instant.now());
        return publisher.publish(payload, "jobs/" + payload.getJobId());
    }

    /** A user.role_changed: an event type notification-service does not deliver. */
    public static CloudEvent roleChanged(EventPublisher publisher, TestIdentity.User user) {
        UserRoleChanged payload = new UserRoleChanged();
        payload.setUserId(UUID.fromString(user.id()));
        payload.setOldRole(UserRoleChanged.OldRole.USER);
        payload.setNewRole(UserRoleChanged.NewRole.VIEWER);
        payload.setChangedBy(UUID.randomUUID());
        payload.setChangedAt(Instant.now());
        return publisher.publish(payload, user.id());
    }
}
