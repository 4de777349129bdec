package dev.polyglot.servicekit.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.polyglot.servicekit.events.tool.EventsTool;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * Redis restarted (without its data) under a running consumer: the consumer backs off, reconnects, recreates its
 * group and handles what is published afterwards, without anyone restarting it. Uses a private redis-server
 * (REDIS_SERVER_BINARY, default redis-server on PATH), because the shared one must not be restarted.
 */
class RedisRestartTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    void consumerResumesAfterRedisRestarts() throws Exception {
        int port = freePort();
        Process redis = startRedis(port);
        RedissonClient redisson = EventsTool.connect("redis://127.0.0.1:" + port + "/0");
        StreamConsumer consumer = null;
        try {
            String stream = EventsTestSupport.uniqueStream("restart");
            EventPublisher publisher = EventsTestSupport.publisher(redisson, new SimpleMeterRegistry());
            List<String> handled = new CopyOnWriteArrayList<>();
            consumer = new StreamConsumer(redisson, EventsTestSupport.fastSettings(stream, "c1"),
                    event -> handled.add(event.id()), new SimpleMeterRegistry()).start();
            String before = publisher.publish(stream, "test.before", Map.of()).id();
            await().atMost(DEADLINE).until(() -> handled.contains(before));

            redis.destroy();
            assertThat(redis.waitFor(10, TimeUnit.SECONDS)).isTrue();
            redis = startRedis(port);

            List<String> after = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                // The publisher's connection may still be reconnecting: a service would retry or fail the request.
                after.add(await().atMost(DEADLINE).ignoreExceptions()
                        .until(() -> publisher.publish(stream, "test.after", Map.of()).id(), Objects::nonNull));
            }
            await().atMost(DEADLINE).until(() -> handled.containsAll(after));
            assertThat(consumer.isRunning()).isTrue();
        } finally {
            if (consumer != null) {
                consumer.stop();
            }
            redisson.shutdown();
            redis.destroyForcibly();
        }
    }

    private static Process startRedis(int port) throws IOException {
        String binary = System.getenv().getOrDefault("REDIS_SERVER_BINARY", "redis-server");
        Process redis = new ProcessBuilder(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        await().atMost(DEADLINE).ignoreExceptions().until(() -> {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return true;
            }
        });
        return redis;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
