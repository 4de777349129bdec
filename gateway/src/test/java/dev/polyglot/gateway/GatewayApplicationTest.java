package dev.polyglot.gateway;

import static dev.polyglot.servicekit.testing.TestHttp.contentType;
import static dev.polyglot.servicekit.testing.TestHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.polyglot.servicekit.testing.ClosedPort;
import dev.polyglot.servicekit.testing.JavaServiceContract;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The gateway in front of a stand-in downstream service (a bare Reactor Netty server): the routing logic
 * is what is under test here, not the services themselves (the edge's rules: GatewayEdgeTest).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GatewayApplicationTest extends JavaServiceContract {

    private static final DisposableServer downstream = HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .route(routes -> routes
                    .get("/api/auth/service-info", (request, response) -> response
                            .header("Content-Type", "application/json")
                            .sendString(Mono.just("{\"uri\": \"" + request.uri() + "\"}"))))
            .bindNow();

    @DynamicPropertySource
    static void routeToTheStandIn(DynamicPropertyRegistry registry) {
        String standIn = "http://127.0.0.1:" + downstream.port();
        registry.add("AUTH_SERVICE_URL", () -> standIn);
        registry.add("NOTIFICATION_SERVICE_URL", () -> standIn);
        registry.add("INFERENCE_SERVICE_URL", () -> "http://127.0.0.1:" + ClosedPort.pick());
    }

    @AfterAll
    static void stopStandIn() {
        downstream.disposeNow();
    }

    @Test
    void aRouteForwardsPathAndQueryUnchanged() {
        HttpResponse<String> response = http.get("/api/auth/service-info?page=2");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).path("uri").asString()).isEqualTo("/api/auth/service-info?page=2");
    }

    @Test
    void anUnreachableServiceIsAProblemNotAHang() {
        HttpResponse<String> response = http.get("/api/inference/service-info");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(contentType(response)).isEqualTo("application/problem+json");
        assertThat(json(response).path("instance").asString()).isEqualTo("/api/inference/service-info");
        assertThat(response.headers().firstValue("Retry-After")).as("when to try again: a restarting service")
                .hasValue("1");
    }
}
