package dev.polyglot.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polyglot.notification.history.Notification;
import dev.polyglot.notification.history.NotificationHistory;
import dev.polyglot.notification.history.StoredNotification;
import dev.polyglot.notification.live.NotificationFanout;
import dev.polyglot.notification.support.Api;
import dev.polyglot.notification.support.Events;
import dev.polyglot.notification.support.NotificationServiceTest;
import dev.polyglot.notification.support.ProtocolClient;
import dev.polyglot.notification.support.TestIdentity;
import dev.polyglot.notification.support.TestIdentity.User;
import dev.polyglot.servicekit.events.CloudEvent;
import dev.polyglot.servicekit.events.EventPublisher;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

/**
 * A notification fanned out again (its consumer published it, then failed before its handling was recorded, and the
 * backbone delivered the event again) reaches each connection once: the history gives the repeat the sequence of the
 * first copy, by which the connection knows it. Notifications published out of their order in the history (as
 * instances of the previous version could) are each sent, none taken for a repeat.
 */
@NotificationServiceTest
class AtMostOncePerConnectionTest {

    @LocalServerPort
    int port;
    @Autowired
    EventPublisher publisher;
    @Autowired
    NotificationHistory history;
    @Autowired
    NotificationFanout fanout;
    @Autowired
    RedissonClient redisson;
    @Autowired
    JsonMapper json;

    @Test
    void aNotificationFannedOutAgainIsNotSentAgainAndOneFannedOutLateIsSent() throws Exception {
        User user = TestIdentity.newUser("user");
        try (ProtocolClient socket = new Api(port).connect(user)) {
            socket.next("hello");
            CloudEvent event = Events.jobProgress(publisher, user, 1);
            assertThat(socket.next("event").path("id").asString()).isEqualTo(event.id());

            Notification delivered = Notification.of(event, user.topic());
            StoredNotification again = fanout.publish(delivered, history);
            fanout.publish(delivered, history);

            // Out of the history's order, as instances of the previous version published (stored, then published
            // apart): each is sent, and the repeat of the later one is not.
            StoredNotification earlier = history.append(copyOf(delivered));
            StoredNotification later = history.append(copyOf(delivered));
            assertThat(later.sequence()).isGreaterThan(earlier.sequence()).isGreaterThan(again.sequence());
            publishApart(later);
            publishApart(earlier);
            publishApart(later);

            assertThat(socket.collect("event", Duration.ofSeconds(2)))
                    .extracting(frame -> frame.path("id").asString())
                    .containsExactly(later.notification().id(), earlier.notification().id());
        }
    }

    private void publishApart(StoredNotification stored) {
        redisson.getTopic(NotificationFanout.CHANNEL, StringCodec.INSTANCE).publish(json.writeValueAsString(
                Map.of("notification", stored.notification(), "sequence", stored.sequence())));
    }

    private static Notification copyOf(Notification notification) {
        return new Notification(UUID.randomUUID().toString(), notification.type(), notification.source(),
                notification.topic(), notification.time(), notification.dataschema(), notification.data());
    }
}
