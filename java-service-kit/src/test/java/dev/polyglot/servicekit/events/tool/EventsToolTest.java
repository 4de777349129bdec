package dev.polyglot.servicekit.events.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.polyglot.servicekit.events.CloudEvent;
import dev.polyglot.servicekit.events.EventPublisher;
import dev.polyglot.servicekit.testing.TestRedis;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;

/** The tool on the tests' Redis (REDIS_URL, or the cluster of REDIS_CLUSTER_NODES), named by its own flags. */
class EventsToolTest {

    @Test
    void publishesAndConsumesThroughTheRedisItsFlagsName() {
        String stream = "test.tool." + UUID.randomUUID();

        assertThat(EventsTool.run(command("publish", "--stream", stream, "--count", "3",
                "--data-json", """
                        {"broadcast_id":"%s","message":"hello","severity":"info","sent_by":"%s",
                         "sent_at":"2026-12-03T12:00:00Z"}""".formatted(UUID.randomUUID(), UUID.randomUUID())))).isZero();
        assertThat(EventsTool.run(command("consume", "--stream", stream, "--group", "tool", "--count", "3",
                "--timeout-seconds", "20"))).as("all three consumed before the timeout").isZero();
    }

    @ParameterizedTest(name = "--rate {0}")
    @ValueSource(strings = {"0", "2000"})
    void publishesPipelinedEveryEventOnceInBatchesOfWhatIsDue(String rate) {
        String stream = "test.tool." + UUID.randomUUID();
        int count = 2 * EventsTool.PIPELINED_BATCH + 7; // two full batches and a partial one, when not paced

        assertThat(EventsTool.run(command("publish", "--stream", stream, "--count", String.valueOf(count),
                "--rate", rate, "--publishing", "pipelined", "--data-json", """
                        {"broadcast_id":"%s","message":"hello","severity":"info","sent_by":"%s",
                         "sent_at":"2026-12-03T12:00:00Z"}""".formatted(UUID.randomUUID(), UUID.randomUUID())))).isZero();

        RedissonClient redisson = TestRedis.redisson();
        try {
            List<String> ids = redisson.<String, String>getStream(stream, StringCodec.INSTANCE)
                    .range(StreamMessageId.MIN, StreamMessageId.MAX).values().stream()
                    .map(fields -> CloudEvent.parse(fields.get(EventPublisher.FIELD)).id()).toList();
            assertThat(ids).hasSize(count).doesNotHaveDuplicates();
        } finally {
            redisson.shutdown();
        }
    }

    @Test
    void publishingIsAwaitedOrPipelined() {
        assertThatIllegalArgumentException().isThrownBy(() -> EventsTool.run(command("publish", "--stream", "s",
                        "--count", "1", "--publishing", "later", "--data-json", "{}")))
                .withMessage("--publishing is awaited or pipelined, got later");
    }

    @Test
    void takesExactlyOneOfTheUrlAndTheClusterNodes() {
        assertThatIllegalArgumentException().isThrownBy(() -> EventsTool.run(new String[] {"publish", "--stream", "s"}))
                .withMessage("give either --redis-url or --redis-cluster-nodes");
        assertThatIllegalArgumentException().isThrownBy(() -> EventsTool.run(new String[] {"publish",
                        "--redis-url", "redis://127.0.0.1:6379/0", "--redis-cluster-nodes", "127.0.0.1:7000"}))
                .withMessage("give either --redis-url or --redis-cluster-nodes");
        assertThatIllegalArgumentException().isThrownBy(() -> EventsTool.run(new String[] {"publish",
                        "--redis-cluster-nodes", "127.0.0.1"}))
                .withMessageStartingWith("REDIS_CLUSTER_NODES: '127.0.0.1' is not host:port");
    }

    private static String[] command(String name, String... flags) {
        List<String> arguments = new ArrayList<>(List.of(name));
        arguments.addAll(TestRedis.eventsToolFlags());
        arguments.addAll(List.of(flags));
        return arguments.toArray(String[]::new);
    }
}
