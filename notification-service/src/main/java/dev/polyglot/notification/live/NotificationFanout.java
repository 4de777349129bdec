package dev.polyglot.notification.live;

import dev.polyglot.notification.history.Notification;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cross-instance delivery: the instance that consumed an event publishes its notification on the Redis channel
 * {@code notification:fanout}; every instance (itself included) receives it and delivers it to its own connections.
 * Pub/sub is at most once: an instance cut off from Redis for a moment misses what was published meanwhile, and its
 * clients get it from the history when they reconnect with their last event id.
 */
public class NotificationFanout implements SmartLifecycle {

    public static final String CHANNEL = "notification:fanout";
    private static final Logger log = LoggerFactory.getLogger(NotificationFanout.class);

    private final RTopic topic;
    private final ConnectionRegistry connections;
    private final JsonMapper json;
    private volatile Integer listenerId;

    public NotificationFanout(RedissonClient redisson, ConnectionRegistry connections, JsonMapper json) {
        this.topic = redisson.getTopic(CHANNEL, StringCodec.INSTANCE);
        this.connections = connections;
        this.json = json;
    }

    /** Blocking: returns once Redis has the message. */
    public void publish(Notification notification) {
        topic.publish(json.writeValueAsString(notification));
    }

    @Override
    public void start() {
        listenerId = topic.addListener(String.class, (channel, message) -> {
            try {
                connections.deliver(json.readValue(message, Notification.class));
            } catch (RuntimeException unreadable) {
                log.warn("Ignored an unreadable fan-out message: {}", unreadable.toString());
            }
        });
    }

    @Override
    public void stop() {
        Integer id = listenerId;
        if (id != null) {
            topic.removeListener(id);
            listenerId = null;
        }
    }

    @Override
    public boolean isRunning() {
        return listenerId != null;
    }
}
