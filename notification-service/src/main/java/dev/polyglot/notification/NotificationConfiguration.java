package dev.polyglot.notification;

import dev.polyglot.contracts.ConsumerGroups;
import dev.polyglot.contracts.Streams;
import dev.polyglot.notification.history.NotificationFeed;
import dev.polyglot.notification.history.NotificationHistory;
import dev.polyglot.notification.live.ConnectionLeases;
import dev.polyglot.notification.live.ConnectionRegistry;
import dev.polyglot.notification.live.NotificationFanout;
import dev.polyglot.servicekit.events.EventTracing;
import dev.polyglot.servicekit.events.StreamConsumers;
import io.micrometer.core.instrument.MeterRegistry;
import org.redisson.api.RedissonClient;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NotificationProperties.class)
class NotificationConfiguration {

    @Bean
    NotificationHistory notificationHistory(RedissonClient redisson, NotificationProperties properties,
                                            JsonMapper json) {
        return new NotificationHistory(redisson, properties, json);
    }

    @Bean
    ConnectionLeases connectionLeases(RedissonClient redisson, NotificationProperties properties) {
        return new ConnectionLeases(redisson, properties.connectionLease());
    }

    @Bean
    ConnectionRegistry connectionRegistry(NotificationProperties properties, ConnectionLeases leases, JsonMapper json,
                                          MeterRegistry meters, EventTracing tracing) {
        return new ConnectionRegistry(properties, leases, json, meters, tracing.tracer());
    }

    @Bean
    NotificationFanout notificationFanout(RedissonClient redisson, ConnectionRegistry connections, JsonMapper json,
                                          EventTracing tracing) {
        return new NotificationFanout(redisson, connections, json, tracing);
    }

    @Bean
    NotificationFeed notificationFeed(NotificationHistory history, NotificationFanout fanout) {
        return new NotificationFeed(history, fanout);
    }

    /** Consumes once the application is ready, so nothing is delivered before the fan-out listens. */
    @Bean
    ApplicationListener<ApplicationReadyEvent> notificationConsumer(StreamConsumers consumers, NotificationFeed feed) {
        return ready -> consumers.start(Streams.PLATFORM_EVENTS, ConsumerGroups.NOTIFICATION, feed.handlers());
    }
}
