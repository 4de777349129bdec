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

    protected TestHttp http;


    @BeforeEach
    void connect() {
        http = new TestHttp(port);
    }

    static String userToken() {
        return sign(KEY, claims(c -> c.claim("roles", List.of("user"))));
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

    /**
     * TRACE (RFC 9110) and QUERY (the safe method with a body, OpenAPI 3.2's query operation) reach the application,
     * which answers a path that does not serve them 405 with the path's Allow, as for any other method; Spring
     * Security's firewall refused both with a 400 (WebFlux: with no body at all).
     */
    @Test
    void aStandardMethodAPathDoesNotServeIs405WithAllow() {
        String token = userToken();
        for (String method : List.of("TRACE", "QUERY", "PUT")) {
            HttpResponse<String> response = http.call(method, "/api/demo/me", "Authorization", "Bearer " + token);

            assertThat(response.statusCode()).as(method + ": " + response.body()).isEqualTo(405);
            assertThat(contentType(response)).as(method).isEqualTo("application/problem+json");
            assertThat(json(response).path("type").asString()).isEqualTo("/problems/method-not-allowed");
            assertThat(response.headers().firstValue("Allow").orElse("")).as(method).contains("GET")
                    .doesNotContain(method);
        }
    }

    /** What the firewall refuses is the platform's 400 problem, not a bare status, and repeats nothing it was sent. */
    @Test
    void aRequestTheFirewallRefusesIsA400Problem() {
        String token = userToken();
        assertRefused(token, List.of(
                http.call("FROBNICATE", "/api/demo/me", "Authorization", "Bearer " + token),
                http.get("/api/demo/%2e%2e/admin/stats", "Authorization", "Bearer " + token)));
    }

    static void assertRefused(String token, List<HttpResponse<String>> refused) {
        for (HttpResponse<String> response : refused) {
            String request = response.request().method() + " " + response.request().uri();
            assertThat(response.statusCode()).as(request + ": " + response.body()).isEqualTo(400);
            assertThat(contentType(response)).as(request).isEqualTo("application/problem+json");
            JsonNode problem = json(response);
            assertThat(problem.path("type").asString()).as(request).isEqualTo("/problems/bad-request");
            assertThat(problem.path("title").asString()).isEqualTo("Bad Request");
            assertThat(problem.path("status").asInt()).isEqualTo(400);
            assertThat(problem.path("detail").asString()).as(request).isNotBlank()
                    .doesNotContain(token);
            assertThat(problem.path("instance").asString()).as(request).startsWith("/api/demo/");
        }
    }
}
