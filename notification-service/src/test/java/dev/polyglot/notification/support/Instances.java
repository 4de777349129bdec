package dev.polyglot.notification.support;

import dev.polyglot.notification.NotificationServiceApplication;
import dev.polyglot.servicekit.testing.PrivateRedisServer;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Instances of the service in this JVM, each its own Spring context on a random port, all on one real Redis (a
 * private one, so that only they consume): what two processes behind the gateway would be.
 */
public final class Instances {

    private Instances() {
    }

    /** An instance on this Redis, with settings of its own ({@code --name=value}) after the common ones. */
    public static ConfigurableApplicationContext start(PrivateRedisServer redis, String instanceId, String... settings) {
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=0",
                "--INSTANCE_ID=" + instanceId,
                "--spring.data.redis.url=" + redis.url(),
                "--service-kit.security.jwk-set-uri=" + TestIdentity.jwksUrl()));
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
