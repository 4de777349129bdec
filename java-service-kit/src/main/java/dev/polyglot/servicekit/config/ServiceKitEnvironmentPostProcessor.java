package dev.polyglot.servicekit.config;

import dev.polyglot.servicekit.info.ServiceInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * Gives every Java service the platform's shared configuration, so that no application.yaml repeats it.
 *
 * <p>{@code service-kit-defaults.yaml} is added with the lowest precedence: an application's own
 * application.yaml, system properties and environment variables all override it. LOG_FORMAT is translated
 * here because it needs a mapping ({@code json} selects a structured format) that a placeholder cannot express; so is
 * an empty TRACING_ZIPKIN_ENDPOINT, which turns the Zipkin exporter off, and REDIS_CLUSTER_NODES or
 * REDIS_SENTINEL_MASTER/NODES, which become Boot's {@code spring.data.redis.cluster/sentinel.*} properties only when
 * set ({@link RedisSettings}: an empty cluster node list would still put Redisson in cluster mode).
 */
public class ServiceKitEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    static final String DEFAULTS = "service-kit-defaults.yaml";
    static final String ZIPKIN_ENDPOINT = "management.tracing.export.zipkin.endpoint";
    static final String ZIPKIN_EXPORT_ENABLED = "management.tracing.export.zipkin.enabled";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (jsonLogs(environment.getProperty("LOG_FORMAT", "text"))) {
            // Elastic Common Schema: one JSON object per line, MDC (trace and request ids) included, and
            // service.node.name telling the copies of a service apart.
            environment.getPropertySources().addLast(new MapPropertySource("service-kit LOG_FORMAT", Map.of(
                    "logging.structured.format.console", "ecs",
                    "logging.structured.ecs.service.node-name", ServiceInstance.of(environment).instanceId())));
        }
        Map<String, Object> redisTopology = RedisSettings.from(environment::getProperty).springProperties();
        if (!redisTopology.isEmpty()) {
            // Redisson's starter takes a Sentinel master first, then a cluster, else spring.data.redis.url.
            environment.getPropertySources().addLast(new MapPropertySource("service-kit REDIS_CLUSTER_NODES/SENTINEL",
                    redisTopology));
        }
        defaults().forEach(environment.getPropertySources()::addLast);
        if (environment.getProperty(ZIPKIN_ENDPOINT, "").isBlank()) {
            // No Zipkin configured (TRACING_ZIPKIN_ENDPOINT empty): no exporter at all, rather than Boot's default
            // endpoint on localhost:9411. Spans are still created, propagated and logged.
            environment.getPropertySources().addLast(new MapPropertySource("service-kit TRACING_ZIPKIN_ENDPOINT",
                    Map.of(ZIPKIN_EXPORT_ENABLED, "false")));
        }
    }

    /** The kit's defaults as property sources; also read by tools that run without a Spring context. */
    public static List<PropertySource<?>> defaults() {
        try {
            return new YamlPropertySourceLoader().load("service-kit defaults",
                    new ClassPathResource(DEFAULTS, ServiceKitEnvironmentPostProcessor.class.getClassLoader()));
        } catch (IOException unreadable) {
            throw new UncheckedIOException("Cannot read " + DEFAULTS + " from the java-service-kit jar", unreadable);
        }
    }

    private static boolean jsonLogs(String logFormat) {
        return switch (logFormat) {
            case "text" -> false;
            case "json" -> true;
            default -> throw new IllegalStateException("LOG_FORMAT must be 'text' or 'json', not '" + logFormat + "'");
        };
    }

    @Override
    public int getOrder() {
        // After Boot has loaded application.yaml, so that addLast really puts these defaults below it.
        return Ordered.LOWEST_PRECEDENCE;
    }
}
