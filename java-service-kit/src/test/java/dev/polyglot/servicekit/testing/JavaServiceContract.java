package dev.polyglot.servicekit.testing;

import static dev.polyglot.servicekit.testing.TestHttp.contentType;
import static dev.polyglot.servicekit.testing.TestHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;

/**
 * What every Java service of the platform must answer, checked against the running application on a
 * random port with the real Redis of REDIS_URL (or the cluster of REDIS_CLUSTER_NODES). A service's test extends
 * this and adds {@code @SpringBootTest(webEnvironment = RANDOM_PORT)}.
 */
public abstract class JavaServiceContract {

    @LocalServerPort
    protected int port;

    @Autowired
    private Environment environment;

    protected TestHttp http;

    @BeforeAll
    static void requireRealRedis() {
        // The application reads REDIS_URL (or REDIS_CLUSTER_NODES) itself; without one, fail here with the hint
        // rather than deep inside a context that could not start (or, worse, pass against some other Redis on the
        // default port).
        TestRedis.settings();
    }

    @BeforeEach
    void connect() {
        http = new TestHttp(port);
    }

    protected String apiPrefix() {
        return environment.getRequiredProperty("service-kit.api-prefix");
    }

    @Test
    void readinessIsUpAndIncludesRedis() {
        HttpResponse<String> response = http.get("/actuator/health/readiness");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode health = json(response);
        assertThat(health.path("status").asString()).isEqualTo("UP");
        assertThat(health.path("components").path("redis").path("status").asString()).isEqualTo("UP");
    }

    @Test
    void livenessIsUp() {
        HttpResponse<String> response = http.get("/actuator/health/liveness");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("status").asString()).isEqualTo("UP");
    }

    @Test
    void prometheusServesTheTextFormatTaggedWithTheApplication() {
        HttpResponse<String> response = http.get("/actuator/prometheus");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(contentType(response)).startsWith("text/plain");
        assertThat(response.body())
                .contains("# TYPE jvm_memory_used_bytes gauge")
                .contains("application=\"" + environment.getRequiredProperty("spring.application.name") + "\"");
    }

    @Test
    void openMetricsHasNoExemplarOnACountWhichPrometheusBefore243Refuses() {
        http.get(apiPrefix() + "/service-info"); // a traced request: its timer's samples carry a trace id

        HttpResponse<String> response = http.get("/actuator/prometheus",
                "Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(contentType(response)).startsWith("application/openmetrics-text");
        assertThat(response.body()).contains("http_server_requests_seconds_count{");
        assertThat(response.body().lines().filter(line -> line.contains(" # {")))
                .as("exemplars only on a counter's _total or a histogram's _bucket")
                .allMatch(line -> line.matches("^\\w+(_total|_bucket)\\{.*"));
    }

    @Test
    void serviceInfoHasThePlatformShape() {
        HttpResponse<String> response = http.get(apiPrefix() + "/service-info");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(contentType(response)).startsWith("application/json");
        JsonNode info = json(response);
        assertThat(info.propertyNames()).containsExactlyInAnyOrder(
                "service", "version", "language", "runtime", "framework", "instance_id", "started_at");
        assertThat(info.path("service").asString())
                .isEqualTo(environment.getRequiredProperty("spring.application.name"));
        assertThat(info.path("version").asString()).startsWith("0.1.0");
        assertThat(info.path("language").asString()).isEqualTo("java");
        assertThat(info.path("runtime").asString()).matches("Java \\d+\\.\\d+\\.\\d+");
        assertThat(info.path("framework").asString()).isEqualTo("Spring Boot " + SpringBootVersion.getVersion());
        assertThat(info.path("instance_id").asString()).isNotBlank();
        assertThat(Instant.parse(info.path("started_at").asString())).isBefore(Instant.now());
    }

    @Test
    void infoShowsTheBuild() {
        HttpResponse<String> response = http.get("/actuator/info");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("build").path("artifact").asString())
                .isEqualTo(environment.getRequiredProperty("spring.application.name"));
    }

    @Test
    void anUnknownPathIsAProblem() {
        HttpResponse<String> response = http.get(apiPrefix() + "/no-such-endpoint", "Accept", "text/html");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(contentType(response)).isEqualTo("application/problem+json");
        JsonNode problem = json(response);
        assertThat(problem.path("type").asString()).isEqualTo("/problems/not-found");
        assertThat(problem.path("title").asString()).isEqualTo("Not Found");
        assertThat(problem.path("status").asInt()).isEqualTo(404);
        assertThat(problem.path("instance").asString()).isEqualTo(apiPrefix() + "/no-such-endpoint");
    }
}
