package com.example.delaywatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.polyglot.client.auth.model.Role;
import dev.polyglot.client.inference.api.JobsApi;
import dev.polyglot.client.inference.api.ModelApi;
import dev.polyglot.client.inference.model.CreateJobRequest;
import dev.polyglot.client.inference.model.Job;
import dev.polyglot.client.inference.model.JobResult;
import dev.polyglot.client.inference.model.Shipment;
import dev.polyglot.client.inference.model.UsStateCode;
import dev.polyglot.contracts.EventTypes;
import dev.polyglot.contracts.events.InferenceJobCompleted;
import dev.polyglot.sandbox.PlatformEvents;
import dev.polyglot.sandbox.PlatformSandboxTest;
import dev.polyglot.sandbox.Sandbox;
import dev.polyglot.sandbox.SandboxFaults;
import dev.polyglot.sandbox.SandboxUser;
import dev.polyglot.sandbox.SandboxUsers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service against a whole platform: the extension starts a sandbox (with the fault proxy) for the run, this class
 * starts the service on it, a user of the platform runs a job, and the service's summary is read from its API.
 */
@PlatformSandboxTest(faults = true)
class DelayWatchIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static ConfigurableApplicationContext service;
    private static String serviceUrl;

    @BeforeAll
    static void startTheServiceOnTheSandbox(Sandbox sandbox, SandboxUsers users) {
        // The service's own account; an admin, as reading any user's job result takes (see application.yaml).
        SandboxUser account = users.create(Role.ADMIN);
        service = new SpringApplicationBuilder(DelayWatchApplication.class).run(
                "--server.address=127.0.0.1", "--server.port=0",
                "--spring.data.redis.url=" + sandbox.redisUrl(),
                "--delay-watch.gateway-url=" + sandbox.gatewayUrl(),
                "--delay-watch.email=" + account.email(), "--delay-watch.password=" + account.password(),
                // A failed delivery is tried again after a second (the kit's default is 30 s), as often as it takes
                // for a link cut by a test to come back.
                "--service-kit.events.consumer.min-idle=1000", "--service-kit.events.consumer.reclaim-interval=500",
                "--service-kit.events.consumer.max-deliveries=1000");
        serviceUrl = "http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    static void stopTheService() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void aFinishedJobIsSummarisedFromItsPredictions(SandboxUsers users, PlatformEvents events) {
        SandboxUser user = users.create(Role.USER);
        JobsApi jobs = new JobsApi(user.inference());
        Job job = jobs.createInferenceJob(new CreateJobRequest()
                .shipments(List.of(shipment(1480), shipment(320), shipment(2950))));

        InferenceJobCompleted completed = events.await(EventTypes.INFERENCE_JOB_COMPLETED,
                done -> done.getJobId().toString().equals(job.getId()), Duration.ofSeconds(60));
        JobResult result = jobs.getInferenceJobResult(completed.getJobId(), "json");
        long atRisk = result.getPredictions().stream()
                .filter(prediction -> prediction.getDelayProbability().compareTo(new BigDecimal("0.5")) >= 0).count();

        JsonNode summary = awaitSummary(job.getId());
        assertThat(summary.path("user_id").asString()).isEqualTo(user.id().toString());
        assertThat(summary.path("model_version").asString()).isEqualTo(completed.getModelVersion());
        assertThat(summary.path("predictions").asInt()).isEqualTo(3);
        assertThat(summary.path("at_risk").asLong()).isEqualTo(atRisk);
    }

    @Test
    void aJobThatFinishesWhileThePlatformApiIsUnreachableIsSummarisedOnceItIsBack(
            Sandbox sandbox, SandboxUsers users, PlatformEvents events, SandboxFaults faults) {
        SandboxUser user = users.create(Role.USER);
        Counter retried = service.getBean(MeterRegistry.class).find("events.retried")
                .tag("group", DelayWatchConfiguration.CONSUMER_GROUP).counter();
        double retriedBefore = retried.count();

        // The gateway no longer reaches inference-bridge. The job is submitted to inference-bridge itself (it checks the
        // user's token as well), so that it surely finishes while the service cannot read its result.
        faults.cut(SandboxFaults.INFERENCE_BRIDGE);
        Job job = new JobsApi(user.inference().setBasePath(sandbox.serviceUrls().get("inference-bridge")))
                .createInferenceJob(new CreateJobRequest().shipments(List.of(shipment(800), shipment(1900))));
        events.await(EventTypes.INFERENCE_JOB_COMPLETED, done -> done.getJobId().toString().equals(job.getId()),
                Duration.ofSeconds(60));

        // The service got the event and could not read the result: the event stays pending, no summary.
        await().atMost(Duration.ofSeconds(30)).until(retried::count, count -> count > retriedBefore);
        assertThat(summaryStatus(job.getId())).isEqualTo(404);

        faults.restore(SandboxFaults.INFERENCE_BRIDGE);
        // Delivered again until the gateway's circuit breaker (open 10 s by default) lets it through.
        assertThat(awaitSummary(job.getId()).path("predictions").asInt()).isEqualTo(2);
    }

    @Test
    void aSlowLinkSlowsThePlatformDownUntilTheFaultsAreCleared(SandboxUsers users, SandboxFaults faults) {
        assertThat(faults.links()).contains(SandboxFaults.AUTH_SERVICE, SandboxFaults.NOTIFICATION_SERVICE,
                SandboxFaults.INFERENCE_BRIDGE, SandboxFaults.REPORTING_BRIDGE, SandboxFaults.REDIS);
        ModelApi model = new ModelApi(users.create(Role.VIEWER).inference());

        faults.latency(SandboxFaults.INFERENCE_BRIDGE, Duration.ofSeconds(3));
        Duration slow = timed(model::getModelCard);
        faults.clear();
        Duration fast = timed(model::getModelCard);

        assertThat(slow).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(fast).isLessThan(Duration.ofSeconds(3));
    }

    private static Duration timed(Runnable call) {
        long start = System.nanoTime();
        call.run();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static Shipment shipment(int distanceKm) {
        return new Shipment().origin(UsStateCode.TX).destination(UsStateCode.IL)
                .distanceKm(BigDecimal.valueOf(distanceKm)).weightKg(new BigDecimal("12000"))
                .mode(Shipment.ModeEnum.FTL).carrier("swift")
                .pickupAt(OffsetDateTime.of(2026, 11, 24, 8, 0, 0, 0, ZoneOffset.ofHours(-6)));
    }

    private static JsonNode awaitSummary(String jobId) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> summaryStatus(jobId) == 200);
        return JSON.readTree(get("/summaries/" + jobId).body());
    }

    private static int summaryStatus(String jobId) {
        return get("/summaries/" + jobId).statusCode();
    }

    private static HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(serviceUrl + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException | InterruptedException unreachable) {
            throw new IllegalStateException("the service does not answer at " + serviceUrl, unreachable);
        }
    }
}
