package dev.polyglot.gateway.edge;

import java.util.List;
import java.util.Locale;

/** The headers the edge defines: what a client may never send to a service, and what the gateway adds. */
public final class EdgeHeaders {

    public static final String REQUEST_ID = "X-Request-Id";

    /** Set by the gateway from the validated access token (services still check the token themselves). */
    public static final String USER_ID = "X-User-Id";
    public static final String USER_ROLES = "X-User-Roles";

    /**
     * Headers a service could mistake for the gateway's word: the identity headers, anything X-Internal-*, and the
     * forwarding headers (the services build links from X-Forwarded-*; only the gateway may set them).
     */
    private static final List<String> FORGEABLE = List.of(
            "x-user-id", "x-user-email", "x-user-roles", "forwarded", "x-real-ip");
    private static final List<String> FORGEABLE_PREFIXES = List.of("x-internal-", "x-forwarded-");

    private EdgeHeaders() {
    }

    public static boolean forgeable(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return FORGEABLE.contains(lower) || FORGEABLE_PREFIXES.stream().anyMatch(lower::startsWith);
    }
}
