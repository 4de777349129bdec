package dev.polyglot.servicekit.security;

import static dev.polyglot.servicekit.testing.TokenTestKit.claims;
import static dev.polyglot.servicekit.testing.TokenTestKit.sign;
import static dev.polyglot.servicekit.testing.TestHttp.contentType;
import static org.assertj.core.api.Assertions.assertThat;

import dev.polyglot.servicekit.security.app.SecuredApplication;
import dev.polyglot.servicekit.testing.ClosedPort;
import dev.polyglot.servicekit.testing.TestHttp;
import dev.polyglot.servicekit.testing.TokenTestKit;
import java.net.http.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * auth-service down when a service starts: no token can be checked, and the answer is a 401 problem, never a 500
 * (Spring Security's default for an AuthenticationServiceException), on both stacks and with the default chain.
 */
class UnreachableJwksTest {

    @ParameterizedTest
    @ValueSource(strings = {"servlet", "reactive"})
    void anUnreachableJwksIsA401(String stack) {
        String jwks = "http://127.0.0.1:" + ClosedPort.pick() + "/api/auth/.well-known/jwks.json";
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SecuredApplication.class)
                .run("--spring.main.web-application-type=" + stack, "--server.port=0",
                        "--service-kit.security.enabled=true", "--service-kit.security.jwk-set-uri=" + jwks)) {
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            HttpResponse<String> response = new TestHttp(port).get("/api/demo/me",
                    "Authorization", "Bearer " + sign(TokenTestKit.newKey(), claims().build()));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
            assertThat(contentType(response)).isEqualTo("application/problem+json");
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
            // The default chain (no custom-chain here) keeps the ops endpoints open.
            assertThat(new TestHttp(port).get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        }
    }
}
