package dev.polyglot.servicekit.events.tool;

import dev.polyglot.contracts.EventType;
import dev.polyglot.contracts.EventTypes;
import dev.polyglot.servicekit.config.RedisSettings;
import dev.polyglot.servicekit.contract.ContractJson;
import dev.polyglot.servicekit.events.CloudEvent;
import dev.polyglot.servicekit.events.ConsumerSettings;
import dev.polyglot.servicekit.events.EventPublisher;
import dev.polyglot.servicekit.events.EventTracing;
import dev.polyglot.servicekit.events.EventsProperties;
import dev.polyglot.servicekit.events.StreamConsumer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import zipkin2.reporter.brave.AsyncZipkinSpanHandler;
import zipkin2.reporter.urlconnection.URLConnectionSender;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Publishes or consumes events through the backbone's own {@link EventPublisher} and {@link StreamConsumer}, for
 * the cross-language test and the benchmark (the Python tool has the same flags and output):
 *
 * <pre>
 * EventsTool publish REDIS --stream S --count N [--type T] [--source /events-tool] [--rate PER_SECOND]
 *                    [--publishing awaited|pipelined] --data-json JSON
 *                                          (T: an event type of the contracts, default notification.broadcast;
 *                                           JSON: a payload valid for T's schema; awaited, the default: one XADD
 *                                           round trip per event, publish; pipelined: what is due, up to 100
 *                                           events, in one round trip, publishAll)
 * EventsTool consume REDIS --stream S --group G --count N [--warmup W] [--timeout-seconds 60] [--ids-file F]
 *
 * REDIS: --redis-url redis[s]://[user:password@]host:port[/db]   one server
 *        --redis-cluster-nodes HOST:PORT[,HOST:PORT...]          a Redis Cluster, through these seed nodes
 * </pre>
 *
 * Each prints one JSON line of results on stdout; logs go to stderr. consume exits 1 on timeout. Its spans are set
 * as a service's are: {@code TRACING_SAMPLING_PROBABILITY} (default 1.0) and {@code TRACING_ZIPKIN_ENDPOINT} (empty,
 * the default: made and propagated, not exported), from the environment.
 */
public final class EventsTool {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ContractJson CONTRACT = ContractJson.strict();
    /** --publishing pipelined: at most this many events per round trip (the outbox relay reads 100 rows at a time). */
    static final int PIPELINED_BATCH = 100;

    private EventsTool() {
    }

    public static void main(String[] args) {
        // Before the first logger exists: stdout carries the JSON result only.
        System.setProperty("logback.configurationFile", "dev/polyglot/servicekit/events/tool/logback-events-tool.xml");
        int exitCode;
        try {
            exitCode = run(args);
        } catch (IllegalArgumentException usage) {
            System.err.println(usage.getMessage());
            System.err.println("usage: EventsTool publish REDIS --stream S --count N [--type T] [--source S]"
                    + " [--rate PER_SECOND] [--publishing awaited|pipelined] --data-json JSON\n"
                    + "       EventsTool consume REDIS --stream S --group G --count N"
                    + " [--warmup W] [--timeout-seconds 60] [--ids-file F]\n"
                    + "REDIS: --redis-url redis://HOST:PORT/DB or --redis-cluster-nodes HOST:PORT[,HOST:PORT...]");
            exitCode = 2;
        }
        System.exit(exitCode);
    }

    static int run(String[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("publish or consume?");
        }
        Map<String, String> flags = flags(args);
        ToolTracing tracing = ToolTracing.fromEnvironment(System.getenv());
        RedissonClient redisson = connect(redis(flags));
        try {
            return switch (args[0]) {
                case "publish" -> publish(redisson, flags, tracing);
                case "consume" -> consume(redisson, flags, tracing);
                default -> throw new IllegalArgumentException("unknown command " + args[0]);
            };
        } finally {
            redisson.shutdown();
            tracing.close();
        }
    }

    private static int publish(RedissonClient redisson, Map<String, String> flags, ToolTracing tracing) {
        String stream = required(flags, "stream");
        int count = Integer.parseInt(required(flags, "count"));
        String typeName = flags.getOrDefault("type", EventTypes.NOTIFICATION_BROADCAST.type());
        EventType<?> type = EventTypes.byType(typeName).orElseThrow(() -> new IllegalArgumentException(
                "--type " + typeName + " is not an event type of the contracts"));
        double rate = Double.parseDouble(flags.getOrDefault("rate", "0"));
        String publishing = flags.getOrDefault("publishing", "awaited");
        if (!publishing.equals("awaited") && !publishing.equals("pipelined")) {
            throw new IllegalArgumentException("--publishing is awaited or pipelined, got " + publishing);
        }
        // Read as the service would build it: the generated payload class, checked against its schema.
        Object payload = CONTRACT.read(required(flags, "data-json"), type.payloadClass());
        String source = flags.getOrDefault("source", "/events-tool");
        EventPublisher publisher = new EventPublisher(redisson, EventsProperties.defaults(), source,
                new SimpleMeterRegistry(), tracing.named(source.substring(1)));

        // awaited: one XADD round trip per event (publisher.publish); pipelined: what is due, up to a batch of
        // PIPELINED_BATCH, in one round trip (publisher.publishAll: the kit's way to publish a batch in hand).
        int batchLimit = publishing.equals("pipelined") ? PIPELINED_BATCH : 1;
        long start = System.nanoTime();
        int sent = 0;
        while (sent < count) {
            int batchSize = Math.min(batchLimit, count - sent);
            if (rate > 0) {
                // Paced against the start, so that a slow publish does not lower the overall rate; what is due by
                // the time the next event's turn comes goes out together.
                long due = start + (long) (sent * 1e9 / rate);
                LockSupport.parkNanos(due - System.nanoTime());
                int dueNow = (int) ((System.nanoTime() - start) * rate / 1e9) + 1 - sent;
                batchSize = Math.max(1, Math.min(batchSize, dueNow));
            }
            // To --stream rather than the type's own, so that a test or benchmark run has a stream of its own; the
            // payload is checked and written per event, the work publisher.publish(payload) does. Each event is the
            // start of a trace of its own (its PRODUCER span is a root: the tool has no trace to continue).
            if (batchLimit == 1) {
                publisher.publish(stream, CloudEvent.create(source, type.type(), null, CONTRACT.toTree(payload)));
            } else {
                List<CloudEvent> batch = new ArrayList<>(batchSize);
                for (int i = 0; i < batchSize; i++) {
                    batch.add(CloudEvent.create(source, type.type(), null, CONTRACT.toTree(payload)));
                }
                publisher.publishAll(stream, batch);
            }
            sent += batchSize;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        ObjectNode result = JSON.createObjectNode();
        result.put("published", count);
        result.put("seconds", seconds);
        result.put("per_second", count / seconds);
        System.out.println(JSON.writeValueAsString(result));
        return 0;
    }

    private static int consume(RedissonClient redisson, Map<String, String> flags, ToolTracing tracing) {
        int count = Integer.parseInt(required(flags, "count"));
        int warmup = Integer.parseInt(flags.getOrDefault("warmup", "0"));
        Duration timeout = Duration.ofSeconds(Long.parseLong(flags.getOrDefault("timeout-seconds", "60")));
        BufferedWriter ids = flags.containsKey("ids-file") ? idsFile(Path.of(flags.get("ids-file"))) : null;
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger handled = new AtomicInteger();
        AtomicLong firstMeasured = new AtomicLong();
        AtomicLong lastHandled = new AtomicLong();
        CountDownLatch done = new CountDownLatch(count);
        MeterRegistry meters = new SimpleMeterRegistry();

        StreamConsumer consumer = new StreamConsumer(redisson,
                ConsumerSettings.of(required(flags, "stream"), required(flags, "group")), event -> {
                    Instant received = Instant.now();
                    int number = handled.incrementAndGet();
                    if (number > count) {
                        return; // arrived while shutting down: handled, not measured
                    }
                    double latencyMs = Duration.between(event.timestamp(), received).toNanos() / 1e6;
                    if (ids != null) {
                        writeId(ids, event, latencyMs);
                    }
                    if (number > warmup) {
                        // The first events only warm the JIT up; the figures are the steady state's.
                        firstMeasured.compareAndSet(0, System.nanoTime());
                        latencies.add(latencyMs);
                    }
                    if (number == count) {
                        lastHandled.set(System.nanoTime());
                    }
                    done.countDown();
                }, meters, tracing.named("events-tool"));
        consumer.start();
        boolean complete;
        try {
            complete = done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            complete = false;
        }
        long end = lastHandled.get() != 0 ? lastHandled.get() : System.nanoTime();
        consumer.stop();
        closeQuietly(ids);

        List<Double> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        double seconds = firstMeasured.get() == 0 ? 0 : (end - firstMeasured.get()) / 1e9;
        ObjectNode result = JSON.createObjectNode();
        result.put("consumed", Math.min(handled.get(), count));
        result.put("measured", sorted.size());
        result.put("seconds", seconds);
        result.put("per_second", seconds > 0 ? sorted.size() / seconds : 0);
        result.put("p50_ms", percentile(sorted, 0.50));
        result.put("p99_ms", percentile(sorted, 0.99));
        result.put("duplicates_skipped", (long) meters.get("events.duplicates_skipped").counter().count());
        System.out.println(JSON.writeValueAsString(result));
        return complete ? 0 : 1;
    }

    /** The tool's spans, set from the environment as a service's are; exported (and flushed on close) to Zipkin. */
    private static final class ToolTracing implements AutoCloseable {

        private final float samplingProbability;
        private final URLConnectionSender sender;
        private final AsyncZipkinSpanHandler zipkin;

        private ToolTracing(float samplingProbability, String zipkinEndpoint) {
            this.samplingProbability = samplingProbability;
            this.sender = zipkinEndpoint.isEmpty() ? null : URLConnectionSender.create(zipkinEndpoint);
            this.zipkin = sender == null ? null : AsyncZipkinSpanHandler.create(sender);
        }

        static ToolTracing fromEnvironment(Map<String, String> environment) {
            String sampling = environment.getOrDefault("TRACING_SAMPLING_PROBABILITY", "").strip();
            float probability;
            try {
                probability = sampling.isEmpty() ? 1.0f : Float.parseFloat(sampling);
            } catch (NumberFormatException notANumber) {
                probability = Float.NaN;
            }
            if (!(probability >= 0.0f && probability <= 1.0f)) {
                throw new IllegalArgumentException(
                        "TRACING_SAMPLING_PROBABILITY must be a number from 0.0 to 1.0, got " + sampling);
            }
            return new ToolTracing(probability, environment.getOrDefault("TRACING_ZIPKIN_ENDPOINT", "").strip());
        }

        EventTracing named(String serviceName) {
            return zipkin == null
                    ? EventTracing.standalone(serviceName, samplingProbability)
                    : EventTracing.standalone(serviceName, samplingProbability, zipkin);
        }

        @Override
        public void close() {
            if (zipkin != null) {
                zipkin.flush();
                zipkin.close();
                sender.close();
            }
        }
    }

    /** Nearest-rank percentile; 0 when nothing was consumed. */
    static double percentile(List<Double> sorted, double quantile) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int rank = (int) Math.ceil(quantile * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static void writeId(BufferedWriter ids, CloudEvent event, double latencyMs) {
        ObjectNode line = JSON.createObjectNode();
        line.put("id", event.id());
        line.put("type", event.type());
        line.put("source", event.source());
        line.put("traceparent", event.traceparent());
        line.put("latency_ms", latencyMs);
        try {
            synchronized (ids) {
                ids.write(JSON.writeValueAsString(line));
                ids.newLine();
                ids.flush();
            }
        } catch (IOException unwritable) {
            throw new UncheckedIOException(unwritable);
        }
    }

    private static BufferedWriter idsFile(Path path) {
        try {
            return Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException unwritable) {
            throw new UncheckedIOException(unwritable);
        }
    }

    private static void closeQuietly(BufferedWriter writer) {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException ignored) {
                // The lines were flushed one by one; nothing is lost.
            }
        }
    }

    /** A Redisson client for one Redis server at redis[s]://[user:password@]host:port[/db]. */
    public static RedissonClient connect(String redisUrl) {
        return connect(RedisSettings.singleServer(redisUrl));
    }

    /** A Redisson client for a single server, a cluster or a Sentinel master, with the platform's string codec. */
    public static RedissonClient connect(RedisSettings redis) {
        return Redisson.create(redis.redissonConfig());
    }

    /** Exactly one of --redis-url and --redis-cluster-nodes. */
    static RedisSettings redis(Map<String, String> flags) {
        String url = flags.get("redis-url");
        String clusterNodes = flags.get("redis-cluster-nodes");
        if ((url == null) == (clusterNodes == null)) {
            throw new IllegalArgumentException("give either --redis-url or --redis-cluster-nodes");
        }
        return url != null ? RedisSettings.singleServer(url) : RedisSettings.cluster(clusterNodes);
    }

    private static Map<String, String> flags(String[] args) {
        Map<String, String> flags = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --flag value, got " + args[i]);
            }
            flags.put(args[i].substring(2), args[i + 1]);
        }
        return flags;
    }

    private static String required(Map<String, String> flags, String name) {
        String value = flags.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}
