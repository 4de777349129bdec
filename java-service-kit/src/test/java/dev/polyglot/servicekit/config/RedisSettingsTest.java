package dev.polyglot.servicekit.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/** The Redisson configuration code without a Spring context gets (the events tool, tests); the variables' checks are
 * in {@link ServiceKitEnvironmentPostProcessorTest}. */
class RedisSettingsTest {

    @Test
    void aSingleServerWithItsDatabaseAndCredentialsFromTheUrl() throws Exception {
        Config config = RedisSettings.singleServer("redis://app:secret@cache:6380/2").redissonConfig();

        assertThat(config.isClusterConfig()).isFalse();
        assertThat(config.isSentinelConfig()).isFalse();
        assertThat(config.getCodec()).isSameAs(StringCodec.INSTANCE);
        assertThat(config.getUsername()).isEqualTo("app");
        assertThat(config.getPassword()).isEqualTo("secret");
        // Redisson's getters of the chosen mode are not public: its own copy of the settings says them.
        assertThat(config.toYAML()).contains("address: \"redis://cache:6380\"").contains("database: 2");
    }

    @Test
    void aClusterThroughItsSeedNodesWithThePasswordOfTheUrl() throws Exception {
        Config config = RedisSettings.from(Map.of("REDIS_URL", "redis://:secret@ignored:6379/0",
                "REDIS_CLUSTER_NODES", "10.0.0.1:7000,10.0.0.2:7001")::get).redissonConfig();

        assertThat(config.isClusterConfig()).isTrue();
        assertThat(config.getCodec()).isSameAs(StringCodec.INSTANCE);
        assertThat(config.getPassword()).isEqualTo("secret");
        assertThat(config.toYAML()).contains("redis://10.0.0.1:7000").contains("redis://10.0.0.2:7001")
                .doesNotContain("ignored");
    }

    @Test
    void aSentinelMasterWithTheDatabaseOfTheUrl() throws Exception {
        Config config = RedisSettings.from(Map.of("REDIS_URL", "redis://localhost:6379/3",
                "REDIS_SENTINEL_MASTER", "platform", "REDIS_SENTINEL_NODES", "s1:26379,s2:26379")::get)
                .redissonConfig();

        assertThat(config.isSentinelConfig()).isTrue();
        assertThat(config.toYAML()).contains("masterName: \"platform\"").contains("redis://s1:26379")
                .contains("redis://s2:26379").contains("database: 3");
    }
}
