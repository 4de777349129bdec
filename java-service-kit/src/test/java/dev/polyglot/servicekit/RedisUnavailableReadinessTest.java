package dev.polyglot.servicekit;

import static dev.polyglot.servicekit.testing.TestHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.polyglot.servicekit.sample.SampleApplication;
import dev.polyglot.servicekit.testing.ClosedPort;
import dev.polyglot.servicekit.testing.PrivateRedisServer;
import dev.polyglot.servicekit.testing.TestHttp;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A service whose Redis is down still starts, stays live, tells the orchestrator not to route to it, and tells a
 * client when to try again.
 */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = PrivateRedisServer.NOT_A_CLUSTER)
class RedisUnavailableReadinessTest {

    @LocalServerPort
    private int port;

    @DynamicPropertySource
    static void redisOnAClosedPort(DynamicPropertyRegistry registry) {
        registry.add("REDIS_URL", () -> "redis://127.0.0.1:" + ClosedPort.pick() + "/0");
    }

    @Test
    void readinessIsDownWhileLivenessStaysUp() {
        TestHttp http = new TestHttp(port);

        HttpResponse<String> readiness = http.get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(503);
        assertThat(json(readiness).path("status").asString()).isEqualTo("DOWN");
        assertThat(json(readiness).path("components").path("redis").path("status").asString()).isEqualTo("DOWN");

        HttpResponse<String> liveness = http.get("/actuator/health/liveness");
        assertThat(liveness.statusCode()).isEqualTo(200);
    }

    /** A request that needs Redis is a 503 the client may retry in a second, not a 500. */
    @Test
    void aRequestThatNeedsRedisIsServiceUnavailableWithRetryAfter() {
        HttpResponse<String> response = new TestHttp(port).send("POST", "/counter", "application/json", "");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(json(response).path("type").asString()).isEqualTo("/problems/service-unavailable");
        assertThat(response.headers().allValues("Retry-After")).containsExactly("1");
    }
}
