package dev.polyglot.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polyglot.notification.support.Api;
import dev.polyglot.notification.support.Instances;
import dev.polyglot.notification.support.ProtocolClient;
import dev.polyglot.notification.support.TestIdentity;
import dev.polyglot.notification.support.TestIdentity.User;
import dev.polyglot.servicekit.testing.PrivateRedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An instance that loses its Redis while its clients' sockets stay open (only its own link to Redis broke) misses
 * what is published on the fan-out channel meanwhile: once it has subscribed again, it tells every client to
 * reconnect (1001), so that each resumes from its last event id and gets the missed events from the history. Found
 * by the chaos suite: a broadcast published during a 10 s cut of the services' link to Redis reached no client.
 * Its own Redis (restarted by the test), so that no other test sees the restart.
 */
class FanoutInterruptionTest {

    static PrivateRedisServer redis;
    static ConfigurableApplicationContext node;

    @BeforeAll
    static void start() {
        redis = PrivateRedisServer.start();
        node = Instances.start(redis, "fanout-interruption");
    }

    @AfterAll
    static void stop() {
        Instances.stop(redis, node);
    }

    @Test
    void aClientWhoseSocketOutlivedTheLostFanoutSubscriptionIsToldToReconnect() throws Exception {
        User user = TestIdentity.newUser("user");
        Api api = new Api(node.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
        try (ProtocolClient socket = ProtocolClient.connect(api.port(), "/ws/notifications?ticket=" + api.ticket(user))) {
            socket.next("hello");
            redis.restart();
            assertThat(socket.closeCode(Duration.ofSeconds(30))).isEqualTo(1001);
        }
    }
}
