package dev.polyglot.servicekit.config;

import static org.assertj.core.api.Assertions.assertThat;
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

    private static StandardEnvironment environmentWith(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        return environment;
    }
}
