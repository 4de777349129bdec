package dev.polyglot.servicekit.testing;

import dev.polyglot.servicekit.config.RedisSettings;
import dev.polyglot.servicekit.events.tool.EventsTool;
import java.util.List;
import org.redisson.api.RedissonClient;

/**
 * The shared Redis of the integration tests, from the environment as a service reads it: the Redis Cluster of
 * REDIS_CLUSTER_NODES when that is set (the {@code cluster} suite of {@code ./platform test}), else the one server of
 * REDIS_URL, which must then be set ({@link RequiredEnvironment}: a missing Redis fails, never skips). A Spring context
 * started in the test's JVM reads the same variables by itself (ServiceKitEnvironmentPostProcessor).
 */
public final class TestRedis {

    private TestRedis() {
    }

    public static RedisSettings settings() {
        RedisSettings settings = RedisSettings.fromEnvironment();
        if (!settings.isCluster()) {
            RequiredEnvironment.get(RedisSettings.URL);
        }
        return settings;
    }

    public static boolean isCluster() {
        return settings().isCluster();
    }

    /** A client of its own (the caller shuts it down), with the platform's string codec. */
    public static RedissonClient redisson() {
        return EventsTool.connect(settings());
    }

    /** The events tool's flags for the same Redis: {@code --redis-cluster-nodes …} or {@code --redis-url …}. */
    public static List<String> eventsToolFlags() {
        RedisSettings settings = settings();
        return settings.isCluster()
                ? List.of("--redis-cluster-nodes", String.join(",", settings.clusterNodes()))
                : List.of("--redis-url", settings.url());
    }
}
