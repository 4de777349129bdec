package dev.polyglot.servicekit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class ServiceKitEnvironmentPostProcessorTest {

    private final ServiceKitEnvironmentPostProcessor postProcessor = new ServiceKitEnvironmentPostProcessor();

    @Test
    void sharedDefaultsResolveFromThePlatformVariablesButYieldToTheApplication() {
        StandardEnvironment environment = environmentWith(Map.of(
                "REDIS_URL", "redis://cache:6380/2",
                "BIND_ADDRESS", "127.0.0.1",
                "management.endpoint.health.group.readiness.include", "readinessState,redis,db"));

        postProcessor.postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("spring.data.redis.url")).isEqualTo("redis://cache:6380/2");
        assertThat(environment.getProperty("server.address")).isEqualTo("127.0.0.1");
        assertThat(environment.getProperty("management.endpoint.health.group.readiness.include"))
                .isEqualTo("readinessState,redis,db");
    }

    @Test
    void jsonLogFormatSelectsStructuredConsoleLogs() {
        StandardEnvironment environment = environmentWith(Map.of("LOG_FORMAT", "json", "INSTANCE_ID", "auth-7"));

        postProcessor.postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("logging.structured.format.console")).isEqualTo("ecs");
        assertThat(environment.getProperty("logging.structured.ecs.service.node-name")).isEqualTo("auth-7");
    }

    @Test
    void textLogFormatKeepsHumanReadableLogs() {
        StandardEnvironment environment = environmentWith(Map.of("LOG_FORMAT", "text"));

        postProcessor.postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("logging.structured.format.console")).isNull();
    }

    @Test
    void anUnknownLogFormatStopsTheServiceInsteadOfBeingIgnored() {
        StandardEnvironment environment = environmentWith(Map.of("LOG_FORMAT", "JSON"));

        assertThatIllegalStateException()
                .isThrownBy(() -> postProcessor.postProcessEnvironment(environment, new SpringApplication()))
                .withMessageContaining("'text' or 'json'");
    }

    @Test
    void clusterNodesBecomeBootsClusterPropertyWhichRedissonsStarterReads() {
        StandardEnvironment environment = processed(Map.of(
                "REDIS_URL", "redis://:secret@cache:6380/0", "REDIS_CLUSTER_NODES", "10.0.0.1:7000, 10.0.0.2:7001"));

        assertThat(environment.getProperty("spring.data.redis.cluster.nodes")).isEqualTo("10.0.0.1:7000,10.0.0.2:7001");
        assertThat(environment.getProperty("spring.data.redis.sentinel.master")).isNull();
        // Still read for the password, as Boot reads it from the URL.
        assertThat(environment.getProperty("spring.data.redis.url")).isEqualTo("redis://:secret@cache:6380/0");
    }

    @Test
    void aSentinelMasterAndItsSentinelsBecomeBootsSentinelProperties() {
        StandardEnvironment environment = processed(Map.of(
                "REDIS_SENTINEL_MASTER", "platform", "REDIS_SENTINEL_NODES", "sentinel-a:26379,sentinel-b:26379"));

        assertThat(environment.getProperty("spring.data.redis.sentinel.master")).isEqualTo("platform");
        assertThat(environment.getProperty("spring.data.redis.sentinel.nodes"))
                .isEqualTo("sentinel-a:26379,sentinel-b:26379");
        assertThat(environment.getProperty("spring.data.redis.cluster.nodes")).isNull();
    }

    @Test
    void blankTopologyVariablesLeaveASingleServerWithoutClusterOrSentinelProperties() {
        // An empty spring.data.redis.cluster.nodes would switch Redisson's starter to a cluster of no nodes.
        StandardEnvironment environment = processed(Map.of(
                "REDIS_CLUSTER_NODES", " ", "REDIS_SENTINEL_MASTER", "", "REDIS_SENTINEL_NODES", ""));

        assertThat(environment.containsProperty("spring.data.redis.cluster.nodes")).isFalse();
        assertThat(environment.containsProperty("spring.data.redis.sentinel.master")).isFalse();
        assertThat(environment.getProperty("spring.data.redis.url")).isEqualTo("redis://localhost:6379/0");
    }

    @Test
    void aClusterAndASentinelMasterAtOnceStopTheService() {
        assertRefused(Map.of("REDIS_CLUSTER_NODES", "a:7000", "REDIS_SENTINEL_MASTER", "platform",
                "REDIS_SENTINEL_NODES", "s:26379"), "REDIS_CLUSTER_NODES and REDIS_SENTINEL_MASTER are both set");
    }

    @Test
    void aSentinelMasterWithoutSentinelsOrSentinelsWithoutAMasterStopTheService() {
        assertRefused(Map.of("REDIS_SENTINEL_MASTER", "platform"),
                "REDIS_SENTINEL_MASTER is set but REDIS_SENTINEL_NODES is not");
        assertRefused(Map.of("REDIS_SENTINEL_NODES", "s:26379"),
                "REDIS_SENTINEL_NODES is set but REDIS_SENTINEL_MASTER is not");
    }

    @Test
    void aNodeThatIsNotHostAndPortStopsTheServiceNamingTheVariable() {
        assertRefused(Map.of("REDIS_CLUSTER_NODES", "a:7000,redis://b:7001"),
                "REDIS_CLUSTER_NODES: 'redis://b:7001' is not host:port");
        assertRefused(Map.of("REDIS_CLUSTER_NODES", "a"), "REDIS_CLUSTER_NODES: 'a' is not host:port");
        assertRefused(Map.of("REDIS_CLUSTER_NODES", "a:7000,"), "REDIS_CLUSTER_NODES: '' is not host:port");
        assertRefused(Map.of("REDIS_CLUSTER_NODES", "a:port"), "REDIS_CLUSTER_NODES: 'a:port' is not host:port");
        assertRefused(Map.of("REDIS_SENTINEL_MASTER", "platform", "REDIS_SENTINEL_NODES", "s:26379;t:26379"),
                "REDIS_SENTINEL_NODES: 's:26379;t:26379' is not host:port");
    }

    private StandardEnvironment processed(Map<String, Object> variables) {
        StandardEnvironment environment = environmentWith(variables);
        postProcessor.postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }

    /** The service does not start, with a one-line message that starts with {@code message}. */
    private void assertRefused(Map<String, Object> variables, String message) {
        StandardEnvironment environment = environmentWith(variables);

        assertThatIllegalArgumentException().as(variables.toString())
                .isThrownBy(() -> postProcessor.postProcessEnvironment(environment, new SpringApplication()))
                .withMessageStartingWith(message)
                .withMessageNotContaining("\n");
    }

    /** These variables and no others: not the REDIS_URL or REDIS_CLUSTER_NODES of the machine running the test. */
    private static StandardEnvironment environmentWith(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        return environment;
    }
}
