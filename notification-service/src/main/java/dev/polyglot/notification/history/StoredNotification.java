package dev.polyglot.notification.history;

/**
 * A notification with its place in the platform-wide order of notifications (one Redis counter for every topic),
 * so that topics merge and a reconnecting client resumes after a position.
 */
public record StoredNotification(long sequence, Notification notification) {
}
