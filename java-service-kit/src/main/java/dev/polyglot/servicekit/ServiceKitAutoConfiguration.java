package dev.polyglot.servicekit;

import dev.polyglot.contracts.schemas.ServiceInfo;
import dev.polyglot.servicekit.info.ServiceInfoController;
import dev.polyglot.servicekit.info.ServiceInstance;
import org.redisson.client.codec.StringCodec;
import org.redisson.spring.starter.RedissonAutoConfigurationCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * What every Java service of the platform gets by depending on java-service-kit: its instance identity,
 * the service-info endpoint and the platform's Redisson settings. The error model is in
 * {@link dev.polyglot.servicekit.problem.ProblemAutoConfiguration}; shared properties are in
 * {@code service-kit-defaults.yaml}.
 */
@AutoConfiguration
public class ServiceKitAutoConfiguration {

    @Bean
    ServiceInstance serviceInstance(Environment environment) {
        return ServiceInstance.of(environment);
    }

    /** The answer of {@code GET <api-prefix>/service-info}: the contract's type (contracts/schemas/service-info.schema.json). */
    @Bean
    ServiceInfo serviceInfo(Environment environment, ServiceInstance instance,
                            ObjectProvider<BuildProperties> buildProperties) {
        BuildProperties build = buildProperties.getIfAvailable();
        ServiceInfo info = new ServiceInfo();
        info.setService(environment.getRequiredProperty("spring.application.name"));
        info.setVersion(build != null ? build.getVersion() : "unknown"); // no build-info when run outside Maven
        info.setLanguage(ServiceInfo.Language.JAVA);
        info.setRuntime("Java " + Runtime.version().feature() + "." + Runtime.version().interim() + "."
                + Runtime.version().update());
        info.setFramework("Spring Boot " + SpringBootVersion.getVersion());
        info.setInstanceId(instance.instanceId());
        info.setStartedAt(instance.startedAt());
        return info;
    }

    @Bean
    @ConditionalOnWebApplication
    @ConditionalOnProperty("service-kit.api-prefix")
    ServiceInfoController serviceInfoController(ServiceInfo serviceInfo) {
        return new ServiceInfoController(serviceInfo);
    }

    @Bean
    RedissonAutoConfigurationCustomizer platformRedissonSettings() {
        return config -> config
                // Connect on first use, so that a service whose Redis is down still starts and reports
                // readiness DOWN (Redisson's default is to fail startup).
                .setLazyInitialization(true)
                // Redisson's default codec (Kryo) frames even strings in a binary format the Python
                // services cannot read: everything on the wire is plain text (JSON).
                .setCodec(StringCodec.INSTANCE);
    }
}
