package dev.polyglot.servicekit.events;

import dev.polyglot.servicekit.info.ServiceInstance;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The event backbone of every Java service that has Redisson: an {@link EventPublisher} whose events name the
 * service as their source, and {@link StreamConsumers} named after this instance. Nothing connects to Redis
 * until the first publish or consumer start.
 */
@AutoConfiguration(afterName = {
        "org.redisson.spring.starter.RedissonAutoConfigurationV2",
        "org.redisson.spring.starter.RedissonAutoConfigurationV4",
        "org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration"})
@ConditionalOnClass(RedissonClient.class)
@ConditionalOnBean(RedissonClient.class)
@EnableConfigurationProperties(EventsProperties.class)
public class EventsAutoConfiguration {

    /** The service's tracer (Boot's Brave bridge, see dev.polyglot.servicekit.tracing) and its W3C propagator. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean({Tracer.class, Propagator.class})
    EventTracing eventTracing(Tracer tracer, Propagator propagator) {
        return new EventTracing(tracer, propagator);
    }

    @Bean
    @ConditionalOnMissingBean
    EventPublisher eventPublisher(RedissonClient redisson, EventsProperties properties, Environment environment,
                                  ObjectProvider<MeterRegistry> meters, EventTracing tracing) {
        return new EventPublisher(redisson, properties, "/" + environment.getRequiredProperty("spring.application.name"),
                meters.getIfAvailable(() -> Metrics.globalRegistry), tracing);
    }

    @Bean
    @ConditionalOnMissingBean
    StreamConsumers streamConsumers(RedissonClient redisson, EventsProperties properties, ServiceInstance instance,
                                    ObjectProvider<MeterRegistry> meters, EventTracing tracing) {
        return new StreamConsumers(redisson, properties, instance.instanceId(),
                meters.getIfAvailable(() -> Metrics.globalRegistry), tracing);
    }
}
