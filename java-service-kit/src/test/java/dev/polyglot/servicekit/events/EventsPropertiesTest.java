package dev.polyglot.servicekit.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.polyglot.servicekit.config.ServiceKitEnvironmentPostProcessor;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The backbone's settings come from the same EVENTS_* variables as the Python services' (.env.example). */
class EventsPropertiesTest {

    private static EventsProperties bind(Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("variables", variables));
        ServiceKitEnvironmentPostProcessor.defaults().forEach(environment.getPropertySources()::addLast);
        return Binder.get(environment).bindOrCreate(EventsProperties.PREFIX, EventsProperties.class);
    }

    @Test
    void theSharedVariablesSetTheConsumerDefaultsAndRetentions() {
        EventsProperties properties = bind(Map.of(
                "EVENTS_MAX_DELIVERIES", "7", "EVENTS_MIN_IDLE_MS", "1500", "EVENTS_BLOCK_MS", "250",
                "EVENTS_DEDUPE_WINDOW_MS", "60000", "EVENTS_GROUP_START_ID", "$",
                "EVENTS_RETENTION", "platform.events=500, audit.events=42", "EVENTS_DLQ_RETENTION", "99"));

        ConsumerSettings settings = properties.consumerSettings("audit.events", "g", "c");
        assertThat(settings.maxDeliveries()).isEqualTo(7);
        assertThat(settings.minIdle()).isEqualTo(Duration.ofMillis(1500));
        assertThat(settings.block()).isEqualTo(Duration.ofMillis(250));
        assertThat(settings.dedupeWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.startId()).isEqualTo("$");
        assertThat(properties.retentionFor("platform.events")).isEqualTo(500);
        assertThat(properties.retentionFor("audit.events")).isEqualTo(42);
        assertThat(properties.retentionFor("inference.jobs")).as("untouched default").isEqualTo(10_000);
        assertThat(properties.retentionFor("audit.events.dlq")).isEqualTo(99);
    }

    @Test
    void withoutVariablesTheDocumentedDefaultsApply() {
        ConsumerSettings settings = bind(Map.of()).consumerSettings("s", "g", "c");

        assertThat(settings.batchSize()).isEqualTo(16);
        assertThat(settings.block()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.reclaimInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.minIdle()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.maxDeliveries()).isEqualTo(5);
        assertThat(settings.dedupeWindow()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.startId()).isEqualTo("0");
    }

    @Test
    void aMalformedRetentionListIsRejectedWithTheVariableName() {
        assertThatThrownBy(() -> EventsProperties.parseRetention("platform.events:5"))
                .hasMessageContaining("EVENTS_RETENTION").hasMessageContaining("platform.events:5");
        assertThatThrownBy(() -> EventsProperties.parseRetention("platform.events=0"))
                .hasMessageContaining("EVENTS_RETENTION");
    }
}
