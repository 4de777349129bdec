package dev.polyglot.gateway.balancing;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.cloud.loadbalancer.support.LoadBalancerEagerContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Where each service's instances are: {@code gateway.services.<service>} is one base URL or a comma-separated list of
 * them, one per instance (AUTH_SERVICE_URL=http://127.0.0.1:8081,http://127.0.0.1:8181). The routes name their
 * service as {@code lb://<service>} and Spring Cloud LoadBalancer picks an instance for each request, round robin
 * (the instance lists: {@link InstancesOfOneService}). Decision record: docs/decisions/0025.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ServiceInstances.Services.class)
@LoadBalancerClients(defaultConfiguration = InstancesOfOneService.class)
public class ServiceInstances {

    /**
     * {@code gateway.services}: service name → the base URLs of its instances (Boot's binder splits a comma-separated
     * value into the list).
     */
    @ConfigurationProperties("gateway")
    public record Services(Map<String, List<URI>> services) {

        List<URI> instancesOf(String service) {
            List<URI> instances = services.get(service);
            if (instances == null || instances.isEmpty()) {
                throw new IllegalStateException("A route names lb://" + service
                        + " but gateway.services." + service + " lists no instance");
            }
            return instances;
        }
    }

    /**
     * Every service's instance list made at startup rather than at its first request: the health checks of a service
     * of several instances start at once (its first request does not wait for a first poll), and an entry of
     * {@code gateway.services} that lists no URL fails the start.
     */
    @Bean
    LoadBalancerEagerContextInitializer instanceListsAtStartup(LoadBalancerClientFactory factory, Services services) {
        return new LoadBalancerEagerContextInitializer(factory, List.copyOf(services.services().keySet()));
    }
}
