package dev.polyglot.gateway.balancing;

import java.net.URI;
import java.util.List;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.cloud.loadbalancer.support.ServiceInstanceListSuppliers;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * The instance list of one service, in the child context LoadBalancer makes for each service id (hence no
 * {@code @Configuration}: it must not be picked up by the application's own context).
 * <p>
 * One instance: the list is that instance, unchecked; the service answers for itself (its own 503 with Retry-After
 * when a dependency is away) and the route's breaker and GET retry work as with a plain URL.
 * <p>
 * Several instances: LoadBalancer's health-check supplier polls each one's health path
 * ({@code spring.cloud.loadbalancer.health-check.path.<service>}, every {@code interval}) and keeps only those that
 * answer 200: an instance that stops, or reports itself not ready, leaves the rotation at the next poll and comes back
 * at the first poll it passes. Between polls, a GET that meets a refused, closed or reset connection is retried by
 * the route's Retry filter, which asks LoadBalancer again and so goes to the next instance. When no instance passes,
 * every instance stays in the rotation ({@link HealthyInListedOrder}).
 */
public class InstancesOfOneService {

    /**
     * Round robin, LoadBalancer's default, declared here because its default configuration is switched off with the
     * discovery client (spring.cloud.discovery.enabled: false, which these fixed lists do not need).
     */
    @Bean
    ReactorLoadBalancer<ServiceInstance> roundRobin(Environment environment, LoadBalancerClientFactory factory) {
        String service = environment.getRequiredProperty(LoadBalancerClientFactory.PROPERTY_NAME);
        return new RoundRobinLoadBalancer(factory.getLazyProvider(service, ServiceInstanceListSupplier.class), service);
    }

    @Bean
    ServiceInstanceListSupplier serviceInstanceListSupplier(ConfigurableApplicationContext context,
            Environment environment, ServiceInstances.Services services) {
        String service = environment.getRequiredProperty(LoadBalancerClientFactory.PROPERTY_NAME);
        List<URI> urls = services.instancesOf(service);
        ServiceInstance[] instances = new ServiceInstance[urls.size()];
        for (int index = 0; index < instances.length; index++) {
            URI url = urls.get(index);
            boolean secure = "https".equals(url.getScheme());
            int port = url.getPort() != -1 ? url.getPort() : secure ? 443 : 80;
            instances[index] = new DefaultServiceInstance(url.getHost() + ":" + port, service, url.getHost(), port,
                    secure);
        }
        ServiceInstanceListSupplier listed = ServiceInstanceListSuppliers.from(service, instances);
        if (instances.length == 1) {
            return listed;
        }
        // A WebClient of its own, outside the gateway's observed HttpClient: a poll is no request of a client's,
        // so it makes no span and no http.client.requests series.
        return ServiceInstanceListSupplier.builder()
                .withBase(listed)
                .withHealthChecks(WebClient.create())
                .with((childContext, healthy) -> new HealthyInListedOrder(healthy, List.of(instances)))
                .build(context);
    }

    /**
     * What LoadBalancer's health-check supplier passes on, made fit for round robin:
     * <ul>
     *   <li>in the order the instances are listed: the supplier lists the healthy ones in the order their checks
     *       answered, which changes from poll to poll, and round robin over a list whose order changed serves one
     *       instance twice in a row (the test's even spread failed on it);</li>
     *   <li>every instance when none passes: the supplier then leaves none, and the gateway would answer 503 at once
     *       for the whole service. When every instance fails its check together, the cause is most likely shared
     *       (Redis or PostgreSQL away): the instances are better placed to say so, each with its own problem and
     *       Retry-After, and the first to recover answers at once, without waiting for the next poll.</li>
     * </ul>
     */
    static final class HealthyInListedOrder extends DelegatingServiceInstanceListSupplier {

        private final List<ServiceInstance> listed;

        HealthyInListedOrder(ServiceInstanceListSupplier healthy, List<ServiceInstance> listed) {
            super(healthy);
            this.listed = listed;
        }

        @Override
        public Flux<List<ServiceInstance>> get() {
            return getDelegate().get().map(healthy -> healthy.isEmpty()
                    ? listed
                    : listed.stream().filter(healthy::contains).toList());
        }
    }
}
