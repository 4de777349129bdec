package dev.polyglot.notification.support;

import dev.polyglot.notification.NotificationServiceApplication;
import dev.polyglot.servicekit.testing.PrivateRedisServer;
import dev.polyglot.servicekit.testing.TestRedis;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Instances of the service in this JVM, each its own Spring context on a random port, all on one real Redis (a
 * private one, so that only they consume; or the tests' Redis Cluster, see {@link #privateRedisUnlessCluster()}):
 * what two processes behind the gateway would be.
 */
public final class Instances {

    private Instances() {
    }

    /**
     * A Redis of the test's own, or none (null) when the tests run on a Redis Cluster (REDIS_CLUSTER_NODES set: the
     * {@code cluster} suite): then the instances share that cluster, which each reads from the environment as a
     * deployed instance would. For tests whose instances may share their Redis with other consumers of the group.
     */
    public static PrivateRedisServer privateRedisUnlessCluster() {
        return TestRedis.isCluster() ? null : PrivateRedisServer.start();
    }

    /**
     * An instance on this Redis (only on it, whatever REDIS_CLUSTER_NODES says), or on the tests' cluster when
     * {@code redis} is null; with settings of its own ({@code --name=value}) after the common ones.
     */
    public static ConfigurableApplicationContext start(PrivateRedisServer redis, String instanceId, String... settings) {
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=0",
                "--INSTANCE_ID=" + instanceId,
                "--service-kit.security.jwk-set-uri=" + TestIdentity.jwksUrl()));
        if (redis != null) {
            arguments.addAll(redis.serviceArguments());
        }
        arguments.addAll(List.of(settings));
        return new SpringApplicationBuilder(NotificationServiceApplication.class).run(arguments.toArray(String[]::new));
    }

    public static int port(ConfigurableApplicationContext instance) {
        return instance.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    /** Closes what was started, in order; null for what was not. */
    public static void stop(PrivateRedisServer redis, ConfigurableApplicationContext... instances) {
        for (ConfigurableApplicationContext instance : instances) {
            if (instance != null) {
                instance.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }
}
