package dev.polyglot.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.polyglot.client.auth.api.AccountApi;
import dev.polyglot.client.auth.api.TokensApi;
import dev.polyglot.client.auth.api.UsersApi;
import dev.polyglot.client.auth.model.CreateUserRequest;
import dev.polyglot.client.auth.model.LoginRequest;
import dev.polyglot.client.auth.model.Role;
import dev.polyglot.client.auth.model.TokenResponse;
import dev.polyglot.client.auth.model.UpdateUserRequest;
import dev.polyglot.client.auth.model.User;
import dev.polyglot.client.auth.model.UserPage;
import dev.polyglot.client.inference.api.JobsApi;
import dev.polyglot.client.inference.api.PredictionsApi;
import dev.polyglot.client.inference.model.CreateJobRequest;
import dev.polyglot.client.inference.model.EtaPrediction;
import dev.polyglot.client.inference.model.Job;
import dev.polyglot.client.inference.model.JobResult;
import dev.polyglot.client.inference.model.JobStatus;
import dev.polyglot.client.inference.model.Shipment;
import dev.polyglot.client.inference.model.UsStateCode;
import dev.polyglot.client.notification.api.HistoryApi;
import dev.polyglot.client.notification.model.Notification;
import dev.polyglot.client.notification.model.NotificationPage;
import dev.polyglot.client.reporting.api.ReportsApi;
import dev.polyglot.client.reporting.model.CreateReportRequest;
import dev.polyglot.client.reporting.model.Report;
import dev.polyglot.client.reporting.model.ReportParams;
import dev.polyglot.client.reporting.model.ReportStatus;
import dev.polyglot.client.reporting.model.ReportTypeId;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClientResponseException;
import tools.jackson.databind.JsonNode;

/**
 * A user's day on the platform, through the gateway, with the client generated from the contracts: every answer is
 * read into the contract's types by a reader that refuses undeclared members.
 */
class PlatformFlowIT {

    private static final String PASSWORD = "correct-horse-battery-staple";

    private static Shipment shipment() {
        return new Shipment().origin(UsStateCode.TX).destination(UsStateCode.IL).distanceKm(new BigDecimal("1480"))
                .weightKg(new BigDecimal("12000")).mode(Shipment.ModeEnum.FTL).carrier("swift")
                .pickupAt(OffsetDateTime.of(2026, 11, 24, 8, 0, 0, 0, ZoneOffset.ofHours(-6)));
    }

    @Test
    void aNewUserSignsUpPredictsRunsAJobGetsAReportAndSeesItsNotifications() {
        // Sign up and sign in.
        String email = "e2e-java-" + UUID.randomUUID().toString().substring(0, 12) + "@example.com";
        User registered = new AccountApi(PlatformClients.auth(null)).registerUser(
                new CreateUserRequest().email(email).name("Java E2E").password(PASSWORD));
        assertThat(registered.getEmail()).isEqualTo(email);
        assertThat(registered.getRole()).isEqualTo(Role.USER);

        TokenResponse tokens = new TokensApi(PlatformClients.auth(null))
                .login(new LoginRequest().email(email).password(PASSWORD));
        assertThat(tokens.getTokenType()).isEqualTo(TokenResponse.TokenTypeEnum.BEARER);
        assertThat(tokens.getExpiresIn()).isPositive();
        String token = tokens.getAccessToken();
        assertThat(new AccountApi(PlatformClients.auth(token)).getCurrentUser().getId()).isEqualTo(registered.getId());

        // An admin finds the account and changes its role, then gives the submitting role back.
        String adminToken = new TokensApi(PlatformClients.auth(null)).login(new LoginRequest()
                .email(System.getProperty("e2e.admin.email")).password(System.getProperty("e2e.admin.password")))
                .getAccessToken();
        UsersApi users = new UsersApi(PlatformClients.auth(adminToken));
        UserPage found = users.listUsers(0, 10, email, null);
        assertThat(found.getItems()).extracting(User::getId).containsExactly(registered.getId());
        assertThat(users.updateUser(registered.getId(), new UpdateUserRequest().role(Role.VIEWER)).getRole())
                .isEqualTo(Role.VIEWER);
        assertThat(users.updateUser(registered.getId(), new UpdateUserRequest().role(Role.USER)).getRole())
                .isEqualTo(Role.USER);

        // One prediction, then a job of two shipments, read back once it is done.
        EtaPrediction prediction = new PredictionsApi(PlatformClients.inference(token)).predictEta(shipment());
        assertThat(prediction.getTransitHours()).isPositive();
        assertThat(prediction.getDelayProbability()).isBetween(BigDecimal.ZERO, BigDecimal.ONE);
        assertThat(prediction.getModelVersion()).isNotBlank();

        JobsApi jobs = new JobsApi(PlatformClients.inference(token));
        Job submitted = jobs.createInferenceJob(new CreateJobRequest().shipments(List.of(shipment(), shipment())));
        assertThat(submitted.getTotalItems()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(
                () -> jobs.getInferenceJob(UUID.fromString(submitted.getId())).getStatus(),
                status -> status == JobStatus.SUCCEEDED || status == JobStatus.FAILED);
        Job done = jobs.getInferenceJob(UUID.fromString(submitted.getId()));
        assertThat(done.getStatus()).as("job %s: %s", done.getId(), done.getError()).isEqualTo(JobStatus.SUCCEEDED);
        JobResult result = jobs.getInferenceJobResult(UUID.fromString(submitted.getId()), "json");
        assertThat(result.getPredictions()).hasSize(2);
        assertThat(result.getModelVersion()).isEqualTo(prediction.getModelVersion());

        // A report of the user's own usage, computed by the reporting worker.
        ReportsApi reports = new ReportsApi(PlatformClients.reporting(token));
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Report requested = reports.createReport(new CreateReportRequest().type(ReportTypeId.INFERENCE_USAGE)
                .params(new ReportParams().from(today).to(today)));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(
                () -> reports.getReport(requested.getId()).getStatus(),
                status -> status == ReportStatus.READY || status == ReportStatus.FAILED);
        Report ready = reports.getReport(requested.getId());
        assertThat(ready.getStatus()).as("report %s: %s", ready.getId(), ready.getError()).isEqualTo(ReportStatus.READY);
        assertThat(ready.getOwnerId()).isEqualTo(registered.getId());
        assertThat(ready.getRowCount()).isPositive();

        // Both arrived in the user's own notification history, typed as the contract's Notification.
        HistoryApi history = new HistoryApi(PlatformClients.notification(token));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            NotificationPage page = history.listNotifications(0, 100, null, null);
            assertThat(page.getItems()).extracting(Notification::getType)
                    .contains("inference.job.completed", "report.ready");
            assertThat(page.getItems()).extracting(Notification::getTopic).containsOnly("user:" + registered.getId(),
                    "broadcast");
        });
    }

    @Test
    void aMethodAPathDoesNotServeIs405WithItsAllowThroughTheGateway() throws Exception {
        for (String method : List.of("TRACE", "PUT")) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(PlatformClients.gatewayUrl() + "/api/auth/service-info"))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as(method).isEqualTo(405);
            assertThat(response.headers().firstValue("Allow").orElse("")).contains("GET").doesNotContain(method);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
    }

    @Test
    void anInvalidRegistrationIsAProblemListingEveryInvalidMember() {
        RestClientResponseException refused = catchThrowableOfType(RestClientResponseException.class,
                () -> new AccountApi(PlatformClients.auth(null)).registerUser(
                        new CreateUserRequest().email("not-an-email").name("A").password(PASSWORD)));

        assertThat(refused.getStatusCode().value()).isEqualTo(422);
        assertThat(refused.getResponseHeaders().getContentType()).hasToString("application/problem+json");
        JsonNode problem = PlatformClients.problem(refused);
        assertThat(problem.path("type").asString()).endsWith("/problems/validation-error");
        assertThat(problem.path("errors").valueStream().map(error -> error.path("pointer").asString()))
                .containsExactly("/body/email", "/body/name");
    }
}
