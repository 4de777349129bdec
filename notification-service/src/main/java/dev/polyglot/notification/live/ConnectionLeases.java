package dev.polyglot.notification.live;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The per-user connection cap across every instance: each open connection (WebSocket or SSE) holds a lease in the
 * Redis sorted set {@code notification:connections:<user id>}, its connection id scored by the lease's expiry in
 * Redis's own clock (milliseconds), so that instances with skewed clocks agree. Admission is one script: drop the
 * lapsed leases, refuse at the cap, else add; so two instances admitting at once never exceed it. The instance renews
 * the leases of its open connections every third of the lease, and releases a lease when its connection closes. An
 * instance that dies without closing its connections leaves leases that lapse within one lease (decision 0026): its
 * users are not locked out for good.
 *
 * <p>One key per script call: in a Redis Cluster every call stays in one slot.
 */
public class ConnectionLeases {

    public static final String KEY_PREFIX = "notification:connections:";

    /** KEYS[1] the user's leases; ARGV connection id, cap, lease ms. 1 admitted, 0 at the cap. */
    private static final String ADMIT = """
            local clock = redis.call('TIME')
            local now = clock[1] * 1000 + math.floor(clock[2] / 1000)
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
              return 0
            end
            redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 1
            """;

    /**
     * KEYS[1] the user's leases; ARGV lease ms, then the connection ids. Only leases still held are renewed (XX): a
     * renewal racing the release of a connection that just closed must not take its lease again. So a lease lost
     * while its connection stays open (Redis restarted empty, or unreachable for longer than a lease) is not taken
     * again: that connection stops counting until it reconnects, and the cap lets one more in rather than fewer.
     */
    private static final String RENEW = """
            local clock = redis.call('TIME')
            local expiry = clock[1] * 1000 + math.floor(clock[2] / 1000) + tonumber(ARGV[1])
            local renewed = 0
            for i = 2, #ARGV do
              renewed = renewed + redis.call('ZADD', KEYS[1], 'XX', 'CH', expiry, ARGV[i])
            end
            if renewed > 0 then
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
            end
            return renewed
            """;

    private final RedissonClient redisson;
    private final RScript scripts;
    private final Duration lease;

    public ConnectionLeases(RedissonClient redisson, Duration lease) {
        this.redisson = redisson;
        this.scripts = redisson.getScript(StringCodec.INSTANCE);
        this.lease = lease;
    }

    public Duration lease() {
        return lease;
    }

    /** Blocking: takes a lease for the connection unless its user holds {@code cap} unexpired ones. */
    public boolean tryAcquire(String userId, String connectionId, int cap) {
        Long admitted = scripts.eval(key(userId), RScript.Mode.READ_WRITE, ADMIT, RScript.ReturnType.LONG,
                List.of(key(userId)), connectionId, Integer.toString(cap), Long.toString(lease.toMillis()));
        return admitted != null && admitted == 1L;
    }

    /** Renews the leases of the open connections, by user; completes when Redis has them all. */
    public CompletionStage<Void> renew(Map<String, ? extends Collection<String>> connectionIdsByUser) {
        List<CompletableFuture<Object>> renewals = new ArrayList<>();
        connectionIdsByUser.forEach((userId, connectionIds) -> {
            if (connectionIds.isEmpty()) {
                return;
            }
            List<Object> arguments = new ArrayList<>();
            arguments.add(Long.toString(lease.toMillis()));
            arguments.addAll(connectionIds);
            renewals.add(scripts.evalAsync(key(userId), RScript.Mode.READ_WRITE, RENEW, RScript.ReturnType.LONG,
                    List.of(key(userId)), arguments.toArray()).toCompletableFuture());
        });
        return CompletableFuture.allOf(renewals.toArray(CompletableFuture[]::new));
    }

    /** Gives the lease back; not waited for (a lost release lapses with the lease). */
    public CompletionStage<Boolean> release(String userId, String connectionId) {
        return redisson.getScoredSortedSet(key(userId), StringCodec.INSTANCE).removeAsync(connectionId);
    }

    /** The user's unexpired leases, every instance together (an expired one still in the set is not counted). */
    public int held(String userId) {
        Long count = scripts.eval(key(userId), RScript.Mode.READ_ONLY, """
                local clock = redis.call('TIME')
                return redis.call('ZCOUNT', KEYS[1], '(' .. (clock[1] * 1000 + math.floor(clock[2] / 1000)), '+inf')
                """, RScript.ReturnType.LONG, List.of(key(userId)));
        return count == null ? 0 : count.intValue();
    }

    private static String key(String userId) {
        return KEY_PREFIX + userId;
    }
}
