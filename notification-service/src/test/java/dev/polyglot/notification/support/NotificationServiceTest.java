package dev.polyglot.notification.support;

import dev.polyglot.servicekit.testing.RecordedSpans;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;

/**
 * The service on a random port with the real Redis of REDIS_URL, tokens from {@link TestIdentity}, and limits small
 * enough to reach in a test (one context, shared by every class that uses this annotation).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "notification.heartbeat-interval=1s",
        "notification.send-queue-size=64",
        "notification.max-connections-per-user=3",
        "notification.max-message-bytes=2048",
        "notification.sse-keep-alive=1s",
        "notification.replay-limit=50",
        "notification.history-cap=20",
        "notification.allowed-origins=http://127.0.0.1:8080"})
@ContextConfiguration(initializers = TestIdentity.Initializer.class)
@Import(NotificationServiceTest.Spans.class)
public @interface NotificationServiceTest {

    /** Every span the service finishes, in memory ({@link RecordedSpans}), next to the (here disabled) exporter. */
    @TestConfiguration(proxyBeanMethods = false)
    class Spans {
        @Bean
        RecordedSpans recordedSpans() {
            return new RecordedSpans();
        }
    }
}
