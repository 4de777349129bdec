package dev.polyglot.servicekit.problem;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.polyglot.contracts.ProblemType;
import java.net.ConnectException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.server.ResponseStatusException;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/** The rules that do not need a running server (the HTTP behaviour is in ProblemResponsesContract). */
class ProblemFactoryTest {

    private final JsonMapper snakeCase = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
    private final ProblemFactory problems = new ProblemFactory(snakeCase);

    record Tag(String tagName) {
    }

    record Catalog(List<Tag> featuredTags, Tag[] tagArray, Map<String, Tag> tagsByLocale,
                   @JsonProperty("ID") String catalogId) {
    }

    @Test
    void javaPropertyPathsBecomeJsonNamesThroughListsArraysAndMaps() {
        JsonPropertyPath paths = new JsonPropertyPath(snakeCase.deserializationConfig());

        assertThat(paths.tokens(Catalog.class, "featuredTags[3].tagName")).containsExactly("featured_tags", "3", "tag_name");
        assertThat(paths.tokens(Catalog.class, "tagArray[0].tagName")).containsExactly("tag_array", "0", "tag_name");
        assertThat(paths.tokens(Catalog.class, "tagsByLocale[en-GB].tagName"))
                .containsExactly("tags_by_locale", "en-GB", "tag_name");
        assertThat(paths.tokens(Catalog.class, "catalogId")).containsExactly("ID");
        assertThat(paths.tokens(Catalog.class, "unknownThing")).containsExactly("unknown_thing");
    }

    @Test
    void pointerTokensAreEscapedPerRfc6901() {
        assertThat(RequestPointer.BODY.to("a/b", "m~n")).isEqualTo("/body/a~1b/m~0n");
        assertThat(RequestPointer.HEADER.to("X-Request-Id")).isEqualTo("/header/X-Request-Id");
        assertThat(RequestPointer.BODY.to()).isEqualTo("/body");
    }

    @Test
    void anUnreachableDependencyIsServiceUnavailable() {
        Exception error = new IllegalStateException("proxy failed", new ConnectException("Connection refused: auth:8081"));

        ProblemDetail problem = problems.fromException(error, HttpMethod.GET, "/api/auth/me");

        assertThat(problem.getStatus()).isEqualTo(503);
        assertThat(problem.getDetail()).doesNotContain("auth:8081");
        assertThat(problem.getInstance()).hasToString("/api/auth/me");
        assertThat(problems.headersFor(error, problem).get("Retry-After")).containsExactly("1");
    }

    /** An application's own 503 says itself whether and when to try again (the gateway's open breaker). */
    @Test
    void anApplicationsServiceUnavailableKeepsItsOwnHeaders() {
        Exception error = new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "Prometheus is not configured",
                new ConnectException("Connection refused: prometheus:9090"));

        ProblemDetail problem = problems.fromException(error, HttpMethod.GET, "/api/operations/query");

        assertThat(problem.getStatus()).isEqualTo(503);
        assertThat(problems.headersFor(error, problem).isEmpty()).isTrue();
    }

    @Test
    void everyStatusGetsTheContractsTypeAndTitleNeverAboutBlank() {
        ProblemDetail notFound = problems.fromStatus(HttpStatus.NOT_FOUND, HttpMethod.GET, "/x");
        ProblemDetail teapot = problems.fromStatus(HttpStatus.I_AM_A_TEAPOT, HttpMethod.GET, "/x");
        ProblemDetail badGateway = problems.fromStatus(HttpStatus.BAD_GATEWAY, HttpMethod.GET, "/x");
        ProblemDetail loopDetected = problems.fromStatus(HttpStatus.LOOP_DETECTED, HttpMethod.GET, "/x");

        assertThat(notFound.getType()).hasToString("/problems/not-found");
        assertThat(notFound.getTitle()).isEqualTo("Not Found");
        assertThat(teapot.getType()).as("a 4xx without a type of its own").hasToString("/problems/bad-request");
        assertThat(teapot.getStatus()).isEqualTo(418);
        assertThat(badGateway.getType()).hasToString("/problems/bad-gateway");
        assertThat(loopDetected.getType()).as("a 5xx without a type of its own").hasToString("/problems/internal-error");
    }

    @Test
    void anApplicationsExceptionKeepsTheProblemTypeItWasGiven() {
        ResponseStatusException conflict = ProblemFactory.typed(
                new ResponseStatusException(HttpStatus.CONFLICT, "The report is still running."),
                ProblemType.REPORT_NOT_READY);

        ProblemDetail problem = problems.fromException(conflict, HttpMethod.GET, "/api/reports/1/download");

        assertThat(problem.getType()).hasToString("/problems/report-not-ready");
        assertThat(problem.getTitle()).isEqualTo("Report not ready");
        assertThat(problem.getStatus()).isEqualTo(409);
        assertThat(problem.getDetail()).isEqualTo("The report is still running.");
    }

    @Test
    void aServerErrorNeverCarriesTheReasonItWasThrownWith() {
        ProblemDetail problem = problems.fromException(
                new ResponseStatusException(HttpStatus.INTERNAL_SERVER_ERROR, "pool exhausted at 10.0.0.7"),
                HttpMethod.GET, "/x");

        assertThat(problem.getStatus()).isEqualTo(500);
        assertThat(problem.getDetail()).doesNotContain("10.0.0.7");
    }

    @Test
    void expectedTypesAreDescribedInClientTerms() {
        assertThat(ProblemFactory.mustBe(long.class)).isEqualTo("must be an integer");
        assertThat(ProblemFactory.mustBe(HttpStatus.Series.class))
                .isEqualTo("must be one of [INFORMATIONAL, SUCCESSFUL, REDIRECTION, CLIENT_ERROR, SERVER_ERROR]");
        assertThat(ProblemFactory.mustBe(java.time.Instant.class)).isEqualTo("must be an RFC 3339 date-time");
    }
}
