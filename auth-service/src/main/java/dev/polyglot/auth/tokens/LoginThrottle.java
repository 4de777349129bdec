package dev.polyglot.auth.tokens;

import dev.polyglot.auth.problem.AuthProblem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import org.redisson.api.RAtomicLong;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Failed-login throttling in Redis, per account and per client IP: after {@code max-failures-per-account} failed
 * logins for one email (or {@code max-failures-per-ip} from one address) within {@code window}, further attempts get
 * 429 with Retry-After until the window ends; the counter starts with the first failure. A successful login clears
 * the account's counter. Checked before the password is hashed, so a throttled guesser costs no Argon2 work.
 *
 * <p>Keys: {@code auth:login-failures:account:<sha256(email)>} (no email in Redis) and
 * {@code auth:login-failures:ip:<address>}. When Redis cannot be reached the throttle fails open (logins still work,
 * unthrottled, with a warning): an outage of Redis must not lock every user out.
 */
@Component
public class LoginThrottle {

    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);
    private static final String PREFIX = "auth:login-failures:";

    private final RedissonClient redisson;
    private final int maxPerAccount;
    private final int maxPerIp;
    private final Duration window;

    LoginThrottle(RedissonClient redisson,
                  @Value("${auth.login-throttle.max-failures-per-account:5}") int maxPerAccount,
                  @Value("${auth.login-throttle.max-failures-per-ip:20}") int maxPerIp,
                  @Value("${auth.login-throttle.window:15m}") Duration window) {
        this.redisson = redisson;
        this.maxPerAccount = maxPerAccount;
        this.maxPerIp = maxPerIp;
        this.window = window;
    }

    /** @throws AuthProblem 429 when the account or the address is throttled */
    public void check(String email, String clientIp) {
        try {
            refuseIfOver(account(email), maxPerAccount, "Too many failed logins for this account");
            refuseIfOver(ip(clientIp), maxPerIp, "Too many failed logins from this address");
        } catch (org.redisson.client.RedisException e) {
            log.warn("Login throttle unavailable (Redis): {}", e.toString());
        }
    }

    public void failed(String email, String clientIp) {
        try {
            count(account(email));
            count(ip(clientIp));
        } catch (org.redisson.client.RedisException e) {
            log.warn("Login throttle unavailable (Redis): {}", e.toString());
        }
    }

    public void succeeded(String email) {
        try {
            account(email).delete();
        } catch (org.redisson.client.RedisException e) {
            log.warn("Login throttle unavailable (Redis): {}", e.toString());
        }
    }

    private void refuseIfOver(RAtomicLong counter, int max, String what) {
        if (counter.get() >= max) {
            long ttl = counter.remainTimeToLive();
            Duration retryAfter = ttl > 0 ? Duration.ofMillis(ttl) : window;
            long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
            throw AuthProblem.rateLimited(what + "; retry after " + seconds + " second(s).", retryAfter);
        }
    }

    private void count(RAtomicLong counter) {
        if (counter.incrementAndGet() == 1) {
            counter.expire(window);
        }
    }

    private RAtomicLong account(String email) {
        return redisson.getAtomicLong(PREFIX + "account:" + sha256(email));
    }

    private RAtomicLong ip(String clientIp) {
        return redisson.getAtomicLong(PREFIX + "ip:" + clientIp);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
