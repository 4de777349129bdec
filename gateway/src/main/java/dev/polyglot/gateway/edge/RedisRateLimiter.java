package dev.polyglot.gateway.edge;

import java.time.Duration;
import java.util.List;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Mono;

/**
 * Fixed-window counters in Redis: one INCR per request (with the window's expiry set by the first), atomic in one
 * script, so every gateway instance counts against the same numbers.
 */
public class RedisRateLimiter {

    static final String KEY_PREFIX = "gateway:ratelimit:";

    // Returns {count in this window, milliseconds until the window ends}.
    private static final String COUNT = """
            local count = redis.call('INCR', KEYS[1])
            local ttl = redis.call('PTTL', KEYS[1])
            if count == 1 or ttl < 0 then
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
              ttl = tonumber(ARGV[1])
            end
            return {count, ttl}
            """;

    private final RedissonClient redis;

    public RedisRateLimiter(RedissonClient redis) {
        this.redis = redis;
    }

    /** Counts one request of {@code subject} in {@code bucket}. */
    public Mono<Verdict> count(String bucket, String subject, long limit, Duration window) {
        String key = KEY_PREFIX + bucket + ":" + subject;
        return redis.reactive().getScript(StringCodec.INSTANCE)
                .<List<Object>>eval(RScript.Mode.READ_WRITE, COUNT, RScript.ReturnType.LIST,
                        List.of(key), String.valueOf(window.toMillis()))
                .map(answer -> new Verdict(limit, number(answer.get(0)), number(answer.get(1))));
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : Long.parseLong(value.toString());
    }

    /** Where a subject stands in the current window. */
    public record Verdict(long limit, long count, long millisUntilReset) {

        public boolean allowed() {
            return count <= limit;
        }

        public long remaining() {
            return Math.max(0, limit - count);
        }

        /** Whole seconds until the window resets, at least 1 (what Retry-After and RateLimit-Reset say). */
        public long secondsUntilReset() {
            return Math.max(1, (millisUntilReset + 999) / 1000);
        }
    }
}
