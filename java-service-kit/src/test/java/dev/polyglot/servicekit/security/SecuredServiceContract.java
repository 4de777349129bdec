package dev.polyglot.servicekit.security;

import static dev.polyglot.servicekit.testing.TokenTestKit.claims;
import static dev.polyglot.servicekit.testing.TokenTestKit.sign;
import static dev.polyglot.servicekit.testing.TestHttp.contentType;
import static dev.polyglot.servicekit.testing.TestHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.polyglot.servicekit.testing.TokenTestKit.JwksServer;
import dev.polyglot.servicekit.testing.TestHttp;
import dev.polyglot.servicekit.testing.TokenTestKit;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;

/**
 * A service that opted in, over real HTTP, with auth-service's JWKS served by a real HTTP server. Extended once per
 * web stack: both must answer alike, and like the Python services (service_kit.auth).
 */
abstract class SecuredServiceContract {

    static final RSAKey KEY = TokenTestKit.newKey();
    // Shared by both stacks' tests (their contexts are cached side by side); it stops with the test JVM.
    static final JwksServer JWKS = new JwksServer();

    static {
        JWKS.serve(KEY);
    }

    static void properties(DynamicPropertyRegistry registry) {
        registry.add("service-kit.security.enabled", () -> "true");
        registry.add("service-kit.security.jwk-set-uri", JWKS::url);
        registry.add("custom-chain", () -> "true");
    }

    @LocalServerPort
    private int port;

    private TestHttp http;

    @BeforeEach
    void connect() {
        http = new TestHttp(port);
    }

    private HttpResponse<String> get(String path, String token) {
        return http.get(path, "Authorization", "Bearer " + token);
    }

    private static JsonNode assert401(HttpResponse<String> response, String challenge) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(contentType(response)).isEqualTo("application/problem+json");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue(challenge);
        JsonNode problem = json(response);
        assertThat(problem.path("status").asInt()).isEqualTo(401);
        assertThat(problem.path("title").asString()).isEqualTo("Unauthorized");
        assertThat(problem.path("type").asString()).isEqualTo("/problems/unauthorized");
        return problem;
    }

    @Test
    void aValidTokenReachesTheHandlerWithThePrincipal() {
        JWTClaimsSet claims = claims(c -> c.claim("roles", List.of("admin")));
        HttpResponse<String> response = get("/api/demo/me", sign(KEY, claims));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).path("user_id").asString()).isEqualTo(claims.getSubject());
        assertThat(json(response).path("email").asString()).isEqualTo("ada@example.com");
        assertThat(json(response).path("authorities").get(0).asString()).isEqualTo("ROLE_admin");
        assertThat(get("/api/demo/admin/stats", sign(KEY, claims)).statusCode()).isEqualTo(200);
    }

    @Test
    void noTokenIsA401ProblemWithABareBearerChallenge() {
        JsonNode problem = assert401(http.get("/api/demo/me"), "Bearer");
        assertThat(problem.path("detail").asString()).isEqualTo("A bearer access token is required.");
        assertThat(problem.path("instance").asString()).isEqualTo("/api/demo/me");
    }

    @Test
    void anInvalidTokenIsA401ProblemSayingInvalidToken() {
        JsonNode problem = assert401(get("/api/demo/me", "not-a-jwt"), "Bearer error=\"invalid_token\"");
        assertThat(problem.path("detail").asString()).isEqualTo("The access token is invalid or expired.");
    }

    @Test
    void hostileTokensAreRefused() {
        JWTClaimsSet admin = claims(c -> c.claim("roles", List.of("admin")));
        Instant now = Instant.now();
        List<String> hostile = List.of(
                TokenTestKit.unsigned("{\"alg\":\"none\",\"kid\":\"" + KEY.getKeyID() + "\"}", admin),
                TokenTestKit.hs256(KEY, admin),
                sign(TokenTestKit.newKey(KEY.getKeyID()), admin),
                sign(KEY, claims(c -> c.expirationTime(Date.from(now.minusSeconds(120))))),
                sign(KEY, claims(c -> c.audience("another-platform"))),
                sign(KEY, claims(c -> c.issuer("someone-else"))));
        for (String token : hostile) {
            assert401(get("/api/demo/admin/stats", token), "Bearer error=\"invalid_token\"");
        }
    }

    @Test
    void aUserWithoutTheRoleGetsA403Problem() {
        HttpResponse<String> response = get("/api/demo/admin/stats", sign(KEY, claims(c -> c.claim("roles",
                List.of("viewer")))));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(contentType(response)).isEqualTo("application/problem+json");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"insufficient_scope\"");
        assertThat(json(response).path("status").asInt()).isEqualTo(403);
        assertThat(json(response).path("instance").asString()).isEqualTo("/api/demo/admin/stats");
    }

    @Test
    void opsAndServiceInfoStayPublic() {
        assertThat(http.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(http.get("/api/demo/service-info").statusCode()).isEqualTo(200);
    }

    @Test
    void anUnknownPathWithoutATokenIsA401NotALeakOfWhatExists() {
        assert401(http.get("/api/demo/nothing-here"), "Bearer");
    }
}
