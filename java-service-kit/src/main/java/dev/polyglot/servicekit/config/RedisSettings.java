package dev.polyglot.servicekit.config;

import java.net.URI;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.redisson.config.Config;
import org.redisson.client.codec.StringCodec;

/**
 * Where a part's Redis is, from the platform's variables: one server ({@code REDIS_URL}, the default), a Redis Cluster
 * reached through seed nodes ({@code REDIS_CLUSTER_NODES}), or a master watched by Redis Sentinel
 * ({@code REDIS_SENTINEL_MASTER} and {@code REDIS_SENTINEL_NODES}). Credentials, and the database number of a single
 * server or a Sentinel master, come from {@code REDIS_URL} in every case, as Spring Boot takes them from
 * {@code spring.data.redis.url}.
 *
 * <p>The one place that reads these variables: a service gets them as Boot's {@code spring.data.redis.*} properties
 * ({@link #springProperties()}, by {@link ServiceKitEnvironmentPostProcessor}, which Redisson's starter reads), code
 * without a Spring context (the events tool, tests) a Redisson {@link Config} ({@link #redissonConfig()}).
 *
 * @param url            REDIS_URL: the single server, and the credentials and database for the other two
 * @param clusterNodes   REDIS_CLUSTER_NODES as {@code host:port} seeds; empty unless a cluster
 * @param sentinelMaster REDIS_SENTINEL_MASTER; null unless Sentinel
 * @param sentinelNodes  REDIS_SENTINEL_NODES as {@code host:port}; empty unless Sentinel
 */
public record RedisSettings(String url, List<String> clusterNodes, String sentinelMaster, List<String> sentinelNodes) {

    public static final String URL = "REDIS_URL";
    public static final String CLUSTER_NODES = "REDIS_CLUSTER_NODES";
    public static final String SENTINEL_MASTER = "REDIS_SENTINEL_MASTER";
    public static final String SENTINEL_NODES = "REDIS_SENTINEL_NODES";
    public static final String DEFAULT_URL = "redis://localhost:6379/0";

    private static final Pattern HOST_PORT = Pattern.compile("[^\\s:/,]+:\\d{1,5}");

    public RedisSettings {
        clusterNodes = List.copyOf(clusterNodes);
        sentinelNodes = List.copyOf(sentinelNodes);
    }

    /**
     * The settings the variables describe (an unset or blank one counts as absent), checked: a cluster and a Sentinel
     * master at once, a master without sentinels or sentinels without a master, or a node that is not
     * {@code host:port} throws an {@link IllegalArgumentException} whose one-line message names the variable.
     */
    public static RedisSettings from(Function<String, String> environment) {
        // The names written out: checks/test_settings_variables.py finds what a part reads by them.
        String url = valueOf(environment, "REDIS_URL");
        List<String> clusterNodes = nodes(environment, "REDIS_CLUSTER_NODES");
        String sentinelMaster = valueOf(environment, "REDIS_SENTINEL_MASTER");
        List<String> sentinelNodes = nodes(environment, "REDIS_SENTINEL_NODES");
        if (!clusterNodes.isEmpty() && sentinelMaster != null) {
            throw new IllegalArgumentException(CLUSTER_NODES + " and " + SENTINEL_MASTER + " are both set: Redis is"
                    + " either a cluster or a master watched by Sentinel, set one of them");
        }
        if (sentinelMaster != null && sentinelNodes.isEmpty()) {
            throw new IllegalArgumentException(SENTINEL_MASTER + " is set but " + SENTINEL_NODES + " is not: name the"
                    + " sentinels as host:port,host:port");
        }
        if (sentinelMaster == null && !sentinelNodes.isEmpty()) {
            throw new IllegalArgumentException(SENTINEL_NODES + " is set but " + SENTINEL_MASTER + " is not: name the"
                    + " master the sentinels watch");
        }
        return new RedisSettings(url != null ? url : DEFAULT_URL, clusterNodes, sentinelMaster, sentinelNodes);
    }

    /** From the process's environment variables. */
    public static RedisSettings fromEnvironment() {
        return from(System::getenv);
    }

    /** One server at {@code redis[s]://[user:password@]host:port[/db]}. */
    public static RedisSettings singleServer(String url) {
        return from(Map.of(URL, url)::get);
    }

    /** A cluster through these {@code host:port} seeds, comma-separated. */
    public static RedisSettings cluster(String nodes) {
        return from(Map.of(CLUSTER_NODES, nodes)::get);
    }

    public boolean isCluster() {
        return !clusterNodes.isEmpty();
    }

    public boolean isSentinel() {
        return sentinelMaster != null;
    }

    /**
     * What Spring Boot needs besides {@code spring.data.redis.url} (which service-kit-defaults.yaml maps from
     * REDIS_URL): the cluster's or the sentinels' nodes, and nothing for a single server. Only what is set: an empty
     * {@code spring.data.redis.cluster.nodes} would still switch Redisson's starter to a cluster.
     */
    public Map<String, Object> springProperties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        if (isCluster()) {
            properties.put("spring.data.redis.cluster.nodes", String.join(",", clusterNodes));
        }
        if (isSentinel()) {
            properties.put("spring.data.redis.sentinel.master", sentinelMaster);
            properties.put("spring.data.redis.sentinel.nodes", String.join(",", sentinelNodes));
        }
        return properties;
    }

    /** A Redisson configuration for these settings, with the platform's string codec (never Redisson's binary one). */
    public Config redissonConfig() {
        URI uri = URI.create(url);
        Config config = new Config().setCodec(StringCodec.INSTANCE);
        if (isCluster()) {
            config.useClusterServers().addNodeAddress(addresses(clusterNodes));
        } else if (isSentinel()) {
            config.useSentinelServers().setMasterName(sentinelMaster).addSentinelAddress(addresses(sentinelNodes))
                    .setDatabase(database(uri));
        } else {
            config.useSingleServer().setDatabase(database(uri)).setAddress(
                    uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : 6379));
        }
        if (uri.getUserInfo() != null) {
            String[] credentials = uri.getUserInfo().split(":", 2);
            if (credentials.length == 2) {
                config.setUsername(credentials[0].isEmpty() ? null : credentials[0]).setPassword(credentials[1]);
            } else {
                config.setPassword(credentials[0]);
            }
        }
        return config;
    }

    private static int database(URI uri) {
        String path = uri.getPath();
        return path != null && path.length() > 1 ? Integer.parseInt(path.substring(1)) : 0;
    }

    private static String[] addresses(List<String> nodes) {
        return nodes.stream().map(node -> "redis://" + node).toArray(String[]::new);
    }

    private static String valueOf(Function<String, String> environment, String name) {
        String value = environment.apply(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static List<String> nodes(Function<String, String> environment, String name) {
        String value = valueOf(environment, name);
        if (value == null) {
            return List.of();
        }
        List<String> nodes = Arrays.stream(value.split(",", -1)).map(String::strip).toList();
        for (String node : nodes) {
            if (!HOST_PORT.matcher(node).matches()) {
                throw new IllegalArgumentException(name + ": '" + node + "' is not host:port (expected"
                        + " host:port,host:port)");
            }
        }
        return nodes;
    }
}
