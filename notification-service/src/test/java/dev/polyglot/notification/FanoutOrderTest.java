package dev.polyglot.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polyglot.notification.history.Notification;
import dev.polyglot.notification.history.NotificationHistory;
import dev.polyglot.notification.live.NotificationFanout;
import dev.polyglot.notification.support.NotificationServiceTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every instance receives live notifications in the order of their sequences, however many consumers publish at
 * once: a client resumes after the last notification it received, so one received before an earlier-numbered one
 * would be replayed to it again. Two publishers race here as two instances of the consumer group do.
 */
@NotificationServiceTest
class FanoutOrderTest {

    private static final int PER_PUBLISHER = 300;

    @Autowired
    NotificationFanout fanout;
    @Autowired
    NotificationHistory history;
    @Autowired
    RedissonClient redisson;
    @Autowired
    JsonMapper json;

    @Test
    void concurrentPublishersReachSubscribersInTheOrderOfTheirSequences() throws Exception {
        String topic = "user:" + UUID.randomUUID();
        List<Long> received = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch all = new CountDownLatch(2 * PER_PUBLISHER);
        RTopic channel = redisson.getTopic(NotificationFanout.CHANNEL, StringCodec.INSTANCE);
        int listener = channel.addListener(String.class, (name, text) -> {
            var message = json.readTree(text);
            if (topic.equals(message.path("notification").path("topic").asString())) {
                received.add(message.path("sequence").asLong());
                all.countDown();
            }
        });
        ExecutorService publishers = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int publisher = 0; publisher < 2; publisher++) {
                running.add(publishers.submit(() -> {
                    for (int i = 0; i < PER_PUBLISHER; i++) {
                        fanout.publish(notification(topic), history);
                    }
                }));
            }
            for (Future<?> publisher : running) {
                publisher.get(60, TimeUnit.SECONDS);
            }
            assertThat(all.await(30, TimeUnit.SECONDS)).as("every message received").isTrue();
        } finally {
            publishers.shutdownNow();
            channel.removeListener(listener);
        }
        assertThat(received).hasSize(2 * PER_PUBLISHER).doesNotHaveDuplicates().isSorted();
    }

    private Notification notification(String topic) {
        return new Notification(UUID.randomUUID().toString(), "notification.broadcast", "/tests/fanout-order", topic,
                Instant.now().toString(), null, json.createObjectNode().put("message", "in order"));
    }
}
