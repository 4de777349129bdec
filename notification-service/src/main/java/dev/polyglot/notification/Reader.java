package dev.polyglot.notification;

import dev.polyglot.servicekit.security.AccessTokens;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Who reads notifications: the signed-in user of an access token or of a WebSocket ticket.
 *
 * @param userId the token's {@code sub}
 */
public record Reader(String userId, String email, List<String> roles) {

    public static final String ADMIN = "admin";

    public Reader {
        roles = roles == null ? List.of() : List.copyOf(roles);
    }

    public static Reader of(Jwt token) {
        Object roles = token.getClaims().get(AccessTokens.ROLES_CLAIM);
        List<String> names = roles instanceof Collection<?> list
                ? list.stream().map(String::valueOf).toList() : List.of();
        return new Reader(token.getSubject(), token.getClaimAsString(AccessTokens.EMAIL_CLAIM), names);
    }

    /** The same user with the one role a role change gave it (auth-service gives each user one role). */
    public Reader withRole(String role) {
        return new Reader(userId, email, List.of(role));
    }

    public boolean isAdmin() {
        return roles.contains(ADMIN);
    }

    /** The main role for display: admin, else user, else viewer. */
    public String role() {
        for (String role : List.of(ADMIN, "user", "viewer")) {
            if (roles.contains(role)) {
                return role;
            }
        }
        return "viewer";
    }

    public String ownTopic() {
        return Topics.user(userId);
    }

    /** What a connection of this reader is subscribed to from the start, and what history it sees. */
    public Set<String> readableTopics() {
        return isAdmin() ? Set.of(ownTopic(), Topics.BROADCAST, Topics.ADMIN) : Set.of(ownTopic(), Topics.BROADCAST);
    }

    public boolean mayRead(String topic) {
        return topic.equals(ownTopic()) || topic.equals(Topics.BROADCAST) || topic.equals(Topics.ADMIN) && isAdmin();
    }
}
