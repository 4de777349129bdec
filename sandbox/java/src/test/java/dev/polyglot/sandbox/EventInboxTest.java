package dev.polyglot.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.polyglot.servicekit.events.CloudEvent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import tools.jackson.databind.json.JsonMapper;

class EventInboxTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final EventInbox inbox = new EventInbox();

    private static CloudEvent event(String type, String jobId) {
        return CloudEvent.create("/inference-bridge", type, null, JSON.createObjectNode().put("job_id", jobId));
    }

    private static boolean ofJob(CloudEvent event, String jobId) {
        return event.data().path("job_id").asString().equals(jobId);
    }

    @Test
    void anEventReceivedBeforeTheWaitIsFound() {
        CloudEvent completed = event("inference.job.completed", "a");
        inbox.add(event("inference.job.progress", "a"));
        inbox.add(completed);

        assertThat(inbox.await("completion", e -> e.type().equals("inference.job.completed"), Duration.ZERO))
                .isEqualTo(completed);
    }

    @Test
    void theWaitReturnsWhenAMatchingEventArrives() throws Exception {
        CloudEvent ofB = event("inference.job.completed", "b");
        CompletableFuture<CloudEvent> waiting = CompletableFuture.supplyAsync(
                () -> inbox.await("job b", e -> ofJob(e, "b"), Duration.ofSeconds(10)));
        inbox.add(event("inference.job.completed", "a"));
        inbox.add(ofB);

        assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo(ofB);
    }

    @Test
    void anEventIsHandedToOneWaitOnly() {
        CloudEvent first = event("report.ready", "a");
        CloudEvent second = event("report.ready", "b");
        inbox.add(first);
        inbox.add(second);

        assertThat(inbox.await("a report", e -> true, Duration.ZERO)).isEqualTo(first);
        assertThat(inbox.await("a report", e -> true, Duration.ZERO)).isEqualTo(second);
        assertThat(inbox.received()).containsExactly(first, second);
    }

    @Test
    void aWaitThatTimesOutFailsTheTestListingWhatArrived() {
        inbox.add(event("inference.job.progress", "a"));
        inbox.add(event("inference.job.progress", "a"));
        inbox.add(event("inference.usage", "a"));

        long start = System.nanoTime();
        assertThatThrownBy(() -> inbox.await("inference.job.completed of job a",
                e -> e.type().equals("inference.job.completed"), Duration.ofMillis(200)))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessage("no inference.job.completed of job a within PT0.2S; received 3 event(s): "
                        + "2 inference.job.progress, 1 inference.usage");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void clearedEventsAreNotFoundAgain() {
        inbox.add(event("report.ready", "a"));
        inbox.clear();

        assertThatThrownBy(() -> inbox.await("a report", e -> true, Duration.ZERO))
                .hasMessageEndingWith("received no event at all");
    }
}
