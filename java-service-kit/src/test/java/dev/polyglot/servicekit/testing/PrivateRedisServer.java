package dev.polyglot.servicekit.testing;

import static org.awaitility.Awaitility.await;

import dev.polyglot.servicekit.config.RedisSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of a test's own, on a fixed free port, that the test may stop and start again (a restart loses
 * everything: no persistence, like a crashed cache). The binary is REDIS_SERVER_BINARY ({@code ./platform test}
 * sets it), else {@code redis-server} on PATH. For tests that take Redis away, which the shared one must not be.
 */
public final class PrivateRedisServer implements AutoCloseable {

    /**
     * For {@code @SpringBootTest(properties = NOT_A_CLUSTER)} of a test whose service must stay on a Redis of the
     * test's own (or on none): a blank REDIS_CLUSTER_NODES counts as unset, whatever the environment holds (the
     * {@code cluster} suite sets it), where a {@code @DynamicPropertySource} comes too late to be seen.
     */
    public static final String NOT_A_CLUSTER = RedisSettings.CLUSTER_NODES + "=";

    private static final Duration START_DEADLINE = Duration.ofSeconds(30);

    private final int port;
    private final List<String> settings;
    private Process process;

    private PrivateRedisServer(int port, List<String> settings) {
        this.port = port;
        this.settings = settings;
    }

    /** A running server on a free port. */
    public static PrivateRedisServer start() {
        PrivateRedisServer server = new PrivateRedisServer(freePort(), List.of());
        server.restart();
        return server;
    }

    /**
     * A running node of a Redis Cluster ({@link PrivateRedisCluster}), not yet part of one: its cluster state (its
     * slots, the other nodes) is kept in {@code directory}, so that a restarted node rejoins, empty.
     */
    static PrivateRedisServer startClusterNode(Path directory) {
        int port = freeClusterPort();
        PrivateRedisServer server = new PrivateRedisServer(port, List.of("--cluster-enabled", "yes",
                "--cluster-config-file", directory.resolve("nodes-" + port + ".conf").toString(),
                "--dir", directory.toString()));
        server.restart();
        return server;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    /**
     * Command-line arguments that put a Spring Boot service on this server alone: its URL, and blank
     * REDIS_CLUSTER_NODES and REDIS_SENTINEL_* (arguments come before the environment, and a blank one counts as
     * unset), so that a cluster the environment names (the {@code cluster} suite) does not take its place.
     */
    public List<String> serviceArguments() {
        return List.of("--spring.data.redis.url=" + url(), "--" + RedisSettings.CLUSTER_NODES + "=",
                "--" + RedisSettings.SENTINEL_MASTER + "=", "--" + RedisSettings.SENTINEL_NODES + "=");
    }

    /** Stops the server (SIGTERM) and returns once it has exited. */
    public void stop() {
        if (process == null) {
            return;
        }
        thaw();  // a frozen server would not act on SIGTERM
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        process = null;
    }

    /**
     * Freezes the server (SIGSTOP): connections stay open and commands get no answer, as with a Redis that hangs or a
     * network that drops packets, until {@link #thaw()}.
     */
    public void freeze() {
        signal("-STOP");
    }

    /** Lets a frozen server answer again (SIGCONT). */
    public void thaw() {
        signal("-CONT");
    }

    private void signal(String which) {
        try {
            if (new ProcessBuilder("kill", which, Long.toString(process.pid())).start().waitFor() != 0) {
                throw new IllegalStateException("kill " + which + " " + process.pid() + " failed");
            }
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }

    /** Starts the server again on the same port, empty; returns once it accepts connections. */
    public void restart() {
        stop();
        String binary = System.getenv().getOrDefault("REDIS_SERVER_BINARY", "redis-server");
        try {
            List<String> command = new ArrayList<>(List.of(binary, "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
            command.addAll(settings);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException notStarted) {
            throw new UncheckedIOException("cannot run " + binary + ": set REDIS_SERVER_BINARY or put redis-server "
                    + "on PATH", notStarted);
        }
        await().atMost(START_DEADLINE).ignoreExceptions().until(() -> {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return true;
            }
        });
    }

    @Override
    public void close() {
        stop();
    }

    /** A free port whose cluster bus port (10000 above it) is free and valid too. */
    private static int freeClusterPort() {
        while (true) {
            int port = freePort();
            if (port + 10_000 <= 65_535) {
                try (ServerSocket bus = new ServerSocket(port + 10_000)) {
                    return port;
                } catch (IOException taken) {
                    // another port
                }
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
    }
}
