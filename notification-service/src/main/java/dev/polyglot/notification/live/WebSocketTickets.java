package dev.polyglot.notification.live;

import dev.polyglot.notification.NotificationProperties;
import dev.polyglot.notification.Reader;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Single-use WebSocket tickets: {@code notification:ticket:<ticket>} holds {@code {"user_id", "email", "roles"}}
 * for {@code ticket-ttl}; the handshake takes it with GETDEL, so a ticket opens one socket at most. The gateway
 * only checks that the key exists.
 */
public class WebSocketTickets {

    public static final String KEY_PREFIX = "notification:ticket:";
    /** 32 random bytes, base64url without padding. */
    private static final Pattern TICKET = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final SecureRandom random = new SecureRandom();
    private final RedissonClient redisson;
    private final NotificationProperties properties;
    private final JsonMapper json;

    public WebSocketTickets(RedissonClient redisson, NotificationProperties properties, JsonMapper json) {
        this.redisson = redisson;
        this.properties = properties;
        this.json = json;
    }

    /** Blocking. */
    public Ticket issue(Reader reader) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        ObjectNode holder = json.createObjectNode();
        holder.put("user_id", reader.userId());
        holder.put("email", reader.email());
        var roles = holder.putArray("roles");
        reader.roles().forEach(roles::add);
        Instant expiresAt = Instant.now().plus(properties.ticketTtl());
        bucket(ticket).set(json.writeValueAsString(holder), properties.ticketTtl());
        return new Ticket(ticket, expiresAt);
    }

    /** The ticket's holder, once: the ticket is gone afterwards. Empty for a malformed, unknown or used one. Blocking. */
    public Optional<Reader> redeem(String ticket) {
        if (ticket == null || !TICKET.matcher(ticket).matches()) {
            return Optional.empty();
        }
        String stored = bucket(ticket).getAndDelete();
        if (stored == null) {
            return Optional.empty();
        }
        JsonNode holder = json.readTree(stored);
        List<String> roles = holder.path("roles").valueStream().map(JsonNode::asString).toList();
        return Optional.of(new Reader(holder.path("user_id").asString(), holder.path("email").asString(null), roles));
    }

    private RBucket<String> bucket(String ticket) {
        return redisson.getBucket(KEY_PREFIX + ticket, StringCodec.INSTANCE);
    }

    public record Ticket(String ticket, Instant expiresAt) {
    }
}
