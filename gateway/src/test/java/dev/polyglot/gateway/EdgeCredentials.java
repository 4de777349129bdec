package dev.polyglot.gateway;

import com.nimbusds.jose.jwk.RSAKey;
import dev.polyglot.servicekit.testing.TokenTestKit;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** What a client shows the edge: a signed access token, a live WebSocket ticket. */
final class EdgeCredentials {

    private static final SecureRandom RANDOM = new SecureRandom();

    private EdgeCredentials() {
    }

    /** An {@code Authorization} header value: a token for that user and role, signed with the test's JWKS key. */
    static String bearer(RSAKey signingKey, String userId, String role) {
        return "Bearer " + TokenTestKit.sign(signingKey,
                TokenTestKit.claims(claims -> claims.subject(userId).claim("roles", List.of(role))));
    }

    /** A live ticket, as notification-service issues it (its key in Redis, 30 s). */
    static String newTicket(RedissonClient redisson) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        redisson.getBucket("notification:ticket:" + ticket, StringCodec.INSTANCE)
                .set("{\"user_id\":\"u\",\"email\":\"e@example.com\",\"roles\":[\"user\"]}", Duration.ofSeconds(30));
        return ticket;
    }
}
