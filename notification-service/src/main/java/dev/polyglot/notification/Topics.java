package dev.polyglot.notification;

import java.util.UUID;
import java.util.regex.Pattern;

/** The topics notifications are delivered on: {@code user:<user id>}, {@code admin}, {@code broadcast}. */
public final class Topics {

    public static final String ADMIN = "admin";
    public static final String BROADCAST = "broadcast";
    private static final String USER_PREFIX = "user:";
    private static final Pattern TOPIC = Pattern.compile(
            "user:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|admin|broadcast");

    private Topics() {
    }

    public static String user(String userId) {
        return USER_PREFIX + userId;
    }

    public static String user(UUID userId) {
        return user(userId.toString());
    }

    public static boolean isValid(String topic) {
        return topic != null && TOPIC.matcher(topic).matches();
    }

    /** The user id of a user topic, else null. */
    public static String userOf(String topic) {
        return topic.startsWith(USER_PREFIX) ? topic.substring(USER_PREFIX.length()) : null;
    }
}
