package dev.polyglot.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.polyglot.servicekit.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * The edge's counters on the tests' real Redis (REDIS_URL, or the Redis Cluster of REDIS_CLUSTER_NODES, where the
 * subjects' keys spread over the masters): two gateway instances count against the same numbers. The limit as the
 * edge applies it, with its headers: GatewayEdgeTest.
 */
class RedisRateLimiterTest {

    private static final Duration WINDOW = Duration.ofSeconds(2);

    private final RedissonClient gatewayA = TestRedis.redisson();
    private final RedissonClient gatewayB = TestRedis.redisson();
    private final RedisRateLimiter limiterA = new RedisRateLimiter(gatewayA);
    private final RedisRateLimiter limiterB = new RedisRateLimiter(gatewayB);

    @AfterEach
    void disconnect() {
        gatewayA.shutdown();
        gatewayB.shutdown();
    }

    @Test
    void twoInstancesCountOneSubjectTogetherUpToTheLimitAndTheWindowEndsIt() {
        String subject = UUID.randomUUID().toString();
        List<RedisRateLimiter.Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            verdicts.add((i % 2 == 0 ? limiterA : limiterB).count("user", subject, 3, WINDOW).block());
        }

        assertThat(verdicts).extracting(RedisRateLimiter.Verdict::count).containsExactly(1L, 2L, 3L, 4L);
        assertThat(verdicts).extracting(RedisRateLimiter.Verdict::allowed).containsExactly(true, true, true, false);
        assertThat(verdicts.get(2).remaining()).isZero();
        assertThat(verdicts.get(3).millisUntilReset()).isBetween(1L, WINDOW.toMillis());
        await().atMost(WINDOW.plusSeconds(2)).pollInterval(Duration.ofMillis(200)).until(() ->
                limiterB.count("user", subject, 3, WINDOW).block().count() == 1);
    }

    @Test
    void everySubjectAndBucketHasACountOfItsOwn() {
        List<String> subjects = new ArrayList<>();
        for (int i = 0; i < 32; i++) { // on a cluster, keys in every master's slots
            subjects.add(UUID.randomUUID().toString());
        }
        for (String subject : subjects) {
            assertThat(limiterA.count("user", subject, 1, WINDOW).block().count()).isEqualTo(1);
            assertThat(limiterB.count("user", subject, 1, WINDOW).block().allowed()).isFalse();
            assertThat(limiterB.count("sign-in", subject, 1, WINDOW).block().allowed()).isTrue();
        }
    }
}
