package dev.polyglot.notification.live;

import dev.polyglot.contracts.RedisKeys;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * Single-use WebSocket tickets: {@code notification:ticket:<ticket>} holds {@code {"user_id", "email", "roles"}}
 * for {@code ticket-ttl}; the handshake takes it with GETDEL, so a ticket opens one socket at most.
 *
 * <p>The gateway checks that the key exists before it lets a handshake through: the key is a contract between the
 * two (the AsyncAPI document's {@code x-redis-keys}, this service the owner), so its prefix is the generated
 * {@link RedisKeys#WEBSOCKET_TICKET_PREFIX}, never a literal. The value stays this service's own business.
 */
public class WebSocketTickets {

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
        Holder holder = new Holder(reader.userId(), reader.email(), reader.roles());
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
        Holder holder = json.readValue(stored, Holder.class);
        return Optional.of(new Reader(holder.userId(), holder.email(), holder.roles()));
    }

    private RBucket<String> bucket(String ticket) {
        return redisson.getBucket(RedisKeys.WEBSOCKET_TICKET_PREFIX + ticket, StringCodec.INSTANCE);
    }

    public record Ticket(String ticket, Instant expiresAt) {
    }

    /** What a ticket's key holds (snake_case through Boot's mapper): who the ticket was issued to. */
    private record Holder(String userId, String email, List<String> roles) {
    }
}
