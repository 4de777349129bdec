package dev.polyglot.notification.support;

import dev.polyglot.contracts.events.InferenceJobFailed;
import dev.polyglot.contracts.events.InferenceJobProgress;
import dev.polyglot.contracts.Streams;
import dev.polyglot.contracts.events.UserDeleted;
import dev.polyglot.contracts.events.UserRoleChanged;
import dev.polyglot.servicekit.events.CloudEvent;
import dev.polyglot.servicekit.events.EventPublisher;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;

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

    /** A user.role_changed from user to viewer: acted on (the viewer reads what a user reads), never stored. */
    public static CloudEvent roleChanged(EventPublisher publisher, TestIdentity.User user) {
        return roleChanged(publisher, user, UserRoleChanged.OldRole.USER, UserRoleChanged.NewRole.VIEWER);
    }

    /** A user.role_changed as auth-service publishes it when an admin changes the user's role. */
    public static CloudEvent roleChanged(EventPublisher publisher, TestIdentity.User user, UserRoleChanged.OldRole from,
                                         UserRoleChanged.NewRole to) {
        UserRoleChanged payload = new UserRoleChanged();
        payload.setUserId(UUID.fromString(user.id()));
        payload.setOldRole(from);
        payload.setNewRole(to);
        payload.setChangedBy(UUID.randomUUID());
        payload.setChangedAt(Instant.now());
        return publisher.publish(payload, user.id());
    }

    /** A user.deleted as auth-service publishes it when the account is deleted. */
    public static CloudEvent deleted(EventPublisher publisher, TestIdentity.User user) {
        UserDeleted payload = new UserDeleted();
        payload.setUserId(UUID.fromString(user.id()));
        payload.setDeletedBy(UUID.fromString(user.id()));
        payload.setDeletedAt(Instant.now());
        return publisher.publish(payload, user.id());
    }

    /**
     * An event of this type whose data breaks its contract (auth-service would never publish it): the backbone's
     * publisher writes it as it is, only the consumer checks the data.
     */
    public static CloudEvent malformed(EventPublisher publisher, String type, Map<String, Object> data) {
        CloudEvent broken = CloudEvent.create("/auth-service", type, null, JsonMapper.shared().valueToTree(data));
        publisher.publish(Streams.PLATFORM_EVENTS, broken);
        return broken;
    }
}
