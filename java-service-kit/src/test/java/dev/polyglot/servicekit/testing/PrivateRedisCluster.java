package dev.polyglot.servicekit.testing;

import static org.awaitility.Awaitility.await;

import dev.polyglot.servicekit.config.RedisSettings;
import io.netty.resolver.DefaultAddressResolverGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.redisson.client.RedisClient;
import org.redisson.client.RedisClientConfig;
import org.redisson.client.RedisConnection;
import org.redisson.client.codec.StringCodec;
import org.redisson.client.protocol.RedisCommands;

/**
 * A Redis Cluster of a test's own: three masters (no replicas), each a {@link PrivateRedisServer} with
 * {@code --cluster-enabled}, whose slots are split in three equal ranges. A master can be restarted: it comes back
 * empty (no persistence), with its slots (its cluster state is kept on disk), as a crashed cache node would. For tests
 * that take a node away, which the shared cluster of REDIS_CLUSTER_NODES must not lose.
 */
public final class PrivateRedisCluster implements AutoCloseable {

    private static final int SLOTS = 16_384;
    private static final int MASTERS = 3;
    private static final Duration FORMING_DEADLINE = Duration.ofSeconds(30);

    private final Path directory;
    private final List<PrivateRedisServer> masters = new ArrayList<>();

    private PrivateRedisCluster(Path directory) {
        this.directory = directory;
    }

    /** A running cluster, every slot served. */
    public static PrivateRedisCluster start() {
        PrivateRedisCluster cluster;
        try {
            cluster = new PrivateRedisCluster(Files.createTempDirectory("private-redis-cluster"));
        } catch (IOException unwritable) {
            throw new UncheckedIOException(unwritable);
        }
        try {
            for (int i = 0; i < MASTERS; i++) {
                cluster.masters.add(PrivateRedisServer.startClusterNode(cluster.directory));
            }
            cluster.form();
            return cluster;
        } catch (RuntimeException | Error failed) { // no redis-server left behind
            cluster.close();
            throw failed;
        }
    }

    /** What REDIS_CLUSTER_NODES would say: every master, {@code host:port}. */
    public RedisSettings settings() {
        return RedisSettings.cluster(String.join(",",
                masters.stream().map(master -> "127.0.0.1:" + master.port()).toList()));
    }

    /** Restarts the master that serves {@code key}'s slot (it loses its data) and returns once the cluster is whole. */
    public void restartMasterOf(String key) {
        int slot = onNode(masters.get(0), connection -> connection.sync(RedisCommands.KEYSLOT, key));
        masters.get(slot / slotsPerMaster()).restart();
        awaitWhole();
    }

    /** Each master its range of slots, then all meet: what {@code redis-cli --cluster create} does. */
    private void form() {
        for (int i = 0; i < MASTERS; i++) {
            Object[] slots = IntStream.range(i * slotsPerMaster(), Math.min(SLOTS, (i + 1) * slotsPerMaster()))
                    .boxed().toArray();
            send(masters.get(i), connection -> connection.sync(RedisCommands.CLUSTER_ADDSLOTS, slots));
        }
        for (PrivateRedisServer other : masters.subList(1, MASTERS)) {
            send(masters.get(0), connection -> connection.sync(RedisCommands.CLUSTER_MEET, "127.0.0.1",
                    other.port()));
        }
        awaitWhole();
    }

    private static int slotsPerMaster() {
        return (SLOTS + MASTERS - 1) / MASTERS;
    }

    /** Every master says cluster_state:ok (all slots served, every node reachable). */
    private void awaitWhole() {
        await().atMost(FORMING_DEADLINE).ignoreExceptions().until(() -> masters.stream().allMatch(master ->
                "ok".equals(onNode(master, connection -> connection.<Map<String, String>, Map<String, String>>sync(
                        StringCodec.INSTANCE, RedisCommands.CLUSTER_INFO)).get("cluster_state"))));
    }

    /** A command whose answer ("OK") does not matter: Redisson types these as Void. */
    private static void send(PrivateRedisServer node, Consumer<RedisConnection> command) {
        onNode(node, connection -> {
            command.accept(connection);
            return null;
        });
    }

    private static <T> T onNode(PrivateRedisServer node, Function<RedisConnection, T> command) {
        // With a resolver given: Redisson's default picks one by the transport, naming classes not on the classpath.
        RedisClient client = RedisClient.create(new RedisClientConfig().setAddress("redis://127.0.0.1:" + node.port())
                .setResolverGroup(DefaultAddressResolverGroup.INSTANCE));
        try {
            RedisConnection connection = client.connect();
            try {
                return command.apply(connection);
            } finally {
                connection.closeAsync();
            }
        } finally {
            client.shutdown();
        }
    }

    @Override
    public void close() {
        masters.forEach(PrivateRedisServer::close);
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // A temporary directory: what is left goes with the machine's /tmp.
        }
    }
}
