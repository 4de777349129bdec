package dev.polyglot.auth.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.polyglot.auth.AuthServiceApplication;
import dev.polyglot.auth.users.Role;
import dev.polyglot.auth.users.User;
import dev.polyglot.auth.users.UserService;
import dev.polyglot.contracts.Streams;
import dev.polyglot.servicekit.testing.PrivateRedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Events without loss: with Redis down a registration still succeeds and its user.registered waits in the outbox;
 * once Redis is back the relay publishes it, once. Uses a private redis-server (REDIS_SERVER_BINARY, default
 * redis-server on PATH), because the shared one must not be stopped.
 */
class OutboxRedisRestartTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void aUserRegisteredWhileRedisIsDownIsPublishedOnceRedisIsBack(@TempDir Path dataDir) throws Exception {
        PrivateRedisServer redis = PrivateRedisServer.start();
        List<String> arguments = new ArrayList<>(List.of("--AUTH_DATABASE_URL=", "--PLATFORM_DATA_DIR=" + dataDir,
                "--ADMIN_EMAIL=", "--ADMIN_PASSWORD=", "--auth.outbox.relay-interval=200ms"));
        arguments.addAll(redis.serviceArguments());
        try (redis; ConfigurableApplicationContext app = new SpringApplicationBuilder(AuthServiceApplication.class)
                .web(WebApplicationType.NONE).run(arguments.toArray(String[]::new))) {
            JdbcClient jdbc = app.getBean(JdbcClient.class);
            redis.stop();

            User user = app.getBean(UserService.class).create("offline-" + UUID.randomUUID() + "@example.com",
                    "Offline User", "correct-horse-battery-staple", Role.user);

            assertThat(jdbc.sql("SELECT COUNT(*) FROM users WHERE id = ?").param(user.id()).query(Long.class).single())
                    .isEqualTo(1L);
            UUID eventId = jdbc.sql("SELECT id FROM outbox WHERE subject = ?").param(user.id().toString())
                    .query(UUID.class).single();
            Thread.sleep(1_000); // several relay runs, all failing
            assertThat(publishedAt(jdbc, eventId)).isNull();

            redis.restart(); // empty: what was published before the restart is gone
            await().atMost(DEADLINE).until(() -> publishedAt(jdbc, eventId) != null);

            RedissonClient redisson = app.getBean(RedissonClient.class);
            long copies = redisson.<String, String>getStream(Streams.PLATFORM_EVENTS, StringCodec.INSTANCE)
                    .range(StreamMessageId.MIN, StreamMessageId.MAX).values().stream()
                    .filter(fields -> Objects.requireNonNull(fields.get("cloudevent")).contains(eventId.toString()))
                    .count();
            assertThat(copies).isEqualTo(1);
        }
    }

    private static Object publishedAt(JdbcClient jdbc, UUID eventId) {
        return jdbc.sql("SELECT published_at FROM outbox WHERE id = ?").param(eventId)
                .query((row, n) -> row.getObject(1)).list().get(0);
    }
}
