package dev.polyglot.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import brave.Span.Kind;
import brave.handler.MutableSpan;
import com.nimbusds.jose.jwk.RSAKey;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import dev.polyglot.contracts.ProblemType;
import dev.polyglot.servicekit.testing.RecordedSpans;
import dev.polyglot.servicekit.testing.PrivateRedisServer;
import dev.polyglot.servicekit.testing.TokenTestKit;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The edge's rules, one test each, against the running gateway with a real Redis of its own, a real JWKS served by
 * the test (a test RSA key), and stub services that report what reached them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = PrivateRedisServer.NOT_A_CLUSTER)
class GatewayEdgeTest {

    static final String ORIGIN = "http://console.example";
    static final int SIGNED_IN_LIMIT = 5;
    static final int SIGN_IN_LIMIT = 3;
    static final Duration WINDOW = Duration.ofSeconds(3);

    static final PrivateRedisServer redis = PrivateRedisServer.start();
    static final StubServices services = new StubServices();
    static final StubPrometheus prometheus = new StubPrometheus();
    static final TokenTestKit.JwksServer jwks = new TokenTestKit.JwksServer();
    static final RSAKey signingKey = TokenTestKit.newKey();
    static final Path console = consoleFolder();
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final RecordedSpans spans = new RecordedSpans();

    @LocalServerPort
    int port;

    @Autowired
    RedissonClient redisson;

    @Autowired
    CircuitBreakerRegistry breakers;

    final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void edge(DynamicPropertyRegistry registry) {
        jwks.serve(signingKey);
        registry.add("spring.data.redis.url", redis::url);
        registry.add("gateway.edge.redis-timeout", () -> "500ms");
        registry.add("AUTH_JWKS_URL", jwks::url);
        for (String service : List.of("AUTH", "NOTIFICATION", "INFERENCE", "REPORTING")) {
            registry.add(service + "_SERVICE_URL", services::url);
        }
        registry.add("PROMETHEUS_URL", prometheus::url);
        registry.add("CORS_ALLOWED_ORIGINS", () -> ORIGIN);
        registry.add("GATEWAY_MAX_BODY_SIZE", () -> "1KB");
        registry.add("CONSOLE_DIR", console::toString);
        registry.add("RATE_LIMIT_WINDOW", () -> WINDOW.toSeconds() + "s");
        registry.add("RATE_LIMIT_SIGNED_IN", () -> SIGNED_IN_LIMIT);
        registry.add("RATE_LIMIT_SIGN_IN", () -> SIGN_IN_LIMIT);
        registry.add("RATE_LIMIT_ANONYMOUS", () -> 10_000);
        registry.add("GATEWAY_INFERENCE_TIMEOUT_MS", () -> 500);
        registry.add("resilience4j.circuitbreaker.configs.default.sliding-window-size", () -> 4);
        registry.add("resilience4j.circuitbreaker.configs.default.minimum-number-of-calls", () -> 4);
        registry.add("GATEWAY_BREAKER_OPEN_FOR", () -> "2s");
    }

    @AfterAll
    static void stop() {
        services.close();
        prometheus.close();
        jwks.close();
        redis.close();
    }

    // --- identity at the edge ---

    @Test
    void forgedIdentityHeadersNeverReachAService() throws Exception {
        String userId = UUID.randomUUID().toString();
        String token = bearer(userId, "user")[1];
        HttpResponse<String> response = send("GET", "/api/auth/me", null, "Authorization", token,
                "X-User-Id", "someone-else", "X-User-Roles", "admin", "X-User-Email", "boss@example.com",
                "X-Internal-Trusted", "yes", "X-Forwarded-Host", "evil.example", "Forwarded", "for=1.2.3.4",
                "X-Real-IP", "1.2.3.4", "X-Forwarded-For", "6.6.6.6", "X-Forwarded-Proto", "https");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode headers = JSON.readTree(response.body()).path("headers");
        assertThat(headers.path("x-user-id").asString()).isEqualTo(userId);
        assertThat(headers.path("x-user-roles").asString()).isEqualTo("user");
        assertThat(headers.has("x-user-email")).isFalse();
        assertThat(headers.has("x-internal-trusted")).isFalse();
        assertThat(headers.has("forwarded")).isFalse();
        assertThat(headers.has("x-real-ip")).isFalse();
        // The forwarding headers are the gateway's own: the connection's address, scheme and Host.
        assertThat(headers.path("x-forwarded-for").asString()).isEqualTo("127.0.0.1");
        assertThat(headers.path("x-forwarded-proto").asString()).isEqualTo("http");
        assertThat(headers.path("x-forwarded-host").asString()).isEqualTo("127.0.0.1:" + port);
        assertThat(headers.path("x-forwarded-port").asString()).isEqualTo(String.valueOf(port));
        assertThat(headers.path("authorization").asString()).startsWith("Bearer ey");
    }

    @Test
    void anAnonymousRequestCarriesNoIdentityHeaderEvenIfItForgesOne() throws Exception {
        HttpResponse<String> response = send("GET", "/api/auth/service-info", null, "X-User-Id", "admin-id",
                "X-User-Roles", "admin");

        JsonNode headers = JSON.readTree(response.body()).path("headers");
        assertThat(headers.has("x-user-id")).isFalse();
        assertThat(headers.has("x-user-roles")).isFalse();
    }

    @Test
    void aMissingTokenIs401WithABearerChallenge() throws Exception {
        HttpResponse<String> response = send("GET", "/api/inference/v1/model", null);

        assertProblem(response, 401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(services.hitsOn("/api/inference")).isZero();
    }

    @Test
    void anExpiredTokenIs401() throws Exception {
        String expired = TokenTestKit.sign(signingKey, TokenTestKit.claims(claims -> claims
                .issueTime(Date.from(Instant.now().minus(Duration.ofHours(1))))
                .expirationTime(Date.from(Instant.now().minus(Duration.ofMinutes(10))))));

        HttpResponse<String> response = send("GET", "/api/auth/me", null, "Authorization", "Bearer " + expired);

        assertProblem(response, 401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).contains("invalid_token"));
    }

    @Test
    void aTokenSignedByAForeignKeyIs401EvenWithAKnownKid() throws Exception {
        RSAKey foreign = TokenTestKit.newKey(signingKey.getKeyID());
        HttpResponse<String> sameKid = send("GET", "/api/auth/me", null,
                "Authorization", "Bearer " + TokenTestKit.sign(foreign, TokenTestKit.claims().build()));
        HttpResponse<String> unknownKid = send("GET", "/api/auth/me", null,
                "Authorization", "Bearer " + TokenTestKit.sign(TokenTestKit.newKey(), TokenTestKit.claims().build()));

        assertProblem(sameKid, 401);
        assertProblem(unknownKid, 401);
    }

    @Test
    void adminPathsAreRefusedAtTheEdgeForOtherRoles() throws Exception {
        int before = services.hitsOn("/api/auth");
        HttpResponse<String> users = send("GET", "/api/auth/users", null, bearer(newUser(), "user"));
        HttpResponse<String> broadcast = send("POST", "/api/notifications/broadcast", "{}",
                bearer(newUser(), "viewer"));
        HttpResponse<String> asAdmin = send("GET", "/api/auth/users/42", null, bearer(newUser(), "admin"));

        assertProblem(users, 403);
        assertProblem(broadcast, 403);
        assertThat(asAdmin.statusCode()).isEqualTo(200);
        assertThat(services.hitsOn("/api/auth")).isEqualTo(before + 1);
    }

    @Test
    void aMalformedBearerHeaderIs401InvalidToken() throws Exception {
        for (String authorization : List.of("Bearer", "Bearer ", "Bearer a b", "Bearer ab=c", "Bearerabc")) {
            HttpResponse<String> response = send("GET", "/api/auth/me", null, "Authorization", authorization);

            assertProblem(response, 401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).as(authorization)
                    .hasValue("Bearer error=\"invalid_token\"");
        }
        // Another scheme is no bearer token: the request is anonymous (a public path passes, others need a token).
        assertThat(send("GET", "/api/auth/service-info", null, "Authorization", "Basic dTpw").statusCode())
                .isEqualTo(200);
        assertThat(send("GET", "/api/auth/me", null, "Authorization", "Basic dTpw").headers()
                .firstValue("WWW-Authenticate")).hasValue("Bearer");
    }

    @Test
    void aPresentedTokenMustBeValidEvenOnAPublicPath() throws Exception {
        int before = services.hitsOn("/api/auth");
        HttpResponse<String> response = send("GET", "/api/auth/service-info", null, "Authorization", "Bearer abc.def.ghi");

        assertProblem(response, 401);
        assertThat(services.hitsOn("/api/auth")).isEqualTo(before);
        assertThat(send("GET", "/api/auth/service-info", null, bearer(newUser(), "viewer")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void aPathAServiceCouldReadDifferentlyOrANonStandardMethodIs400BeforeAnyRule() throws Exception {
        String[] admin = bearer(newUser(), "admin");
        int before = services.totalHits();
        for (String path : List.of("/api/inference/..%2Fauth/users", "/api/inference/../auth/users",
                "/api/auth/users/./42", "/api/auth/users%2F42", "/api/auth/users;jsessionid=1", "/api//auth/users",
                "/api/auth/%2e%2e/users", "/api/auth/users%252F42", "/api/auth/users/..")) {
            assertProblem(send("GET", path, null, admin), 400);
        }
        for (String method : List.of("FROBNICATE", "PROPFIND")) {
            assertProblem(send(method, "/api/auth/me", null, admin), 400);
        }
        assertThat(services.totalHits()).isEqualTo(before);
    }

    /**
     * TRACE and QUERY are standard methods: the service decides, and answers a path that does not serve them 405 with
     * Allow.
     */
    @Test
    void traceAndQueryArePassedOnToTheServiceLikeAnyStandardMethod() throws Exception {
        String[] user = bearer(newUser(), "user");
        for (String method : List.of("TRACE", "QUERY")) {
            int before = services.hitsOn("/api/auth");
            HttpResponse<String> response = send(method, "/api/auth/me", null, user);

            assertThat(services.hitsOn("/api/auth")).as(method).isEqualTo(before + 1);
            assertThat(JSON.readTree(response.body()).path("method").asString()).isEqualTo(method);
        }
    }

    @Test
    void publicPathsNeedNoToken() throws Exception {
        for (String path : List.of("/api/auth/login", "/api/auth/register", "/api/auth/refresh", "/api/auth/logout")) {
            redisson.getKeys().deleteByPattern("gateway:ratelimit:sign-in:*");
            assertThat(send("POST", path, "{}").statusCode()).as(path).isEqualTo(200);
        }
        assertThat(send("GET", "/api/auth/.well-known/jwks.json", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/reports/service-info", null).statusCode()).isEqualTo(200);
    }

    @Test
    void theRequestIdIsKeptOrMadeAndReturned() throws Exception {
        HttpResponse<String> kept = send("GET", "/api/auth/service-info", null, "X-Request-Id", "client-id-123");
        HttpResponse<String> made = send("GET", "/api/auth/service-info", null);
        HttpResponse<String> unsafe = send("GET", "/api/auth/service-info", null, "X-Request-Id", "a b\"c");

        assertThat(kept.headers().allValues("X-Request-Id")).containsExactly("client-id-123");
        assertThat(JSON.readTree(kept.body()).path("headers").path("x-request-id").asString())
                .isEqualTo("client-id-123");
        String generated = made.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(UUID.fromString(generated)).isNotNull();
        assertThat(JSON.readTree(made.body()).path("headers").path("x-request-id").asString()).isEqualTo(generated);
        assertThat(unsafe.headers().firstValue("X-Request-Id")).isNotEqualTo(java.util.Optional.of("a b\"c"));
    }

    @Test
    void anIncomingTraceparentIsContinuedToTheServiceThroughTheGatewaysSpans() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        HttpResponse<String> continued = send("GET", "/api/auth/service-info", null,
                "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01");

        String downstream = JSON.readTree(continued.body()).path("headers").path("traceparent").asString();
        assertThat(downstream).as("the same trace, a span of the gateway as parent")
                .matches("00-" + traceId + "-[0-9a-f]{16}-01")
                .doesNotContain("00f067aa0ba902b7");
        String clientSpanId = downstream.split("-")[2];
        await().atMost(Duration.ofSeconds(10)).until(() -> spans.inTrace(traceId).size() >= 2);
        MutableSpan client = spans.inTrace(traceId).stream().filter(span -> span.id().equals(clientSpanId))
                .findFirst().orElseThrow();
        MutableSpan server = spans.inTrace(traceId).stream().filter(span -> span.kind() == Kind.SERVER)
                .findFirst().orElseThrow();
        assertThat(client.kind()).isEqualTo(Kind.CLIENT);
        assertThat(client.parentId()).isEqualTo(server.id());
        assertThat(server.parentId()).as("the client's span").isEqualTo("00f067aa0ba902b7");
        assertThat(server.localServiceName()).isEqualTo("gateway");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not a traceparent", "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01"})
    void withoutAValidTraceparentTheGatewayStartsATrace(String offered) throws Exception {
        HttpResponse<String> started = offered.isEmpty()
                ? send("GET", "/api/auth/service-info", null)
                : send("GET", "/api/auth/service-info", null, "traceparent", offered);

        assertThat(started.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(started.body()).path("headers").path("traceparent").asString())
                .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01")
                .doesNotContain("4bf92f3577b34da6a3ce929d0e0e473")
                .doesNotContain("00000000000000000000000000000000");
    }

    /** Every span the gateway finishes, next to the (here disabled) Zipkin exporter. */
    @TestConfiguration
    static class Spans {
        @Bean
        RecordedSpans recordedSpans() {
            return spans;
        }
    }

    // --- the gateway's own errors ---

    @Test
    void anUnknownRouteIsA404Problem() throws Exception {
        assertProblem(send("GET", "/no/such/route", null, "Accept", "application/json"), 404);
    }

    @Test
    void aMethodNotAllowedIsA405ProblemWithAllow() throws Exception {
        HttpResponse<String> response = send("DELETE", "/actuator/health", null);

        assertProblem(response, 405);
        assertThat(response.headers().firstValue("Allow")).isPresent();
    }

    @Test
    void aBodyOverTheLimitIs413WhetherDeclaredOrStreamed() throws Exception {
        String token = bearer(newUser(), "user")[1];
        int before = services.hitsOn("/api/reports");
        HttpResponse<String> declared = send("POST", "/api/reports", "x".repeat(2048), "Authorization", token);
        HttpResponse<String> streamed = http.send(request("/api/reports")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[4096])))
                .header("Authorization", token).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> small = send("POST", "/api/reports", "x".repeat(1000), "Authorization", token);

        assertProblem(declared, 413);
        assertProblem(streamed, 413);
        assertThat(small.statusCode()).isEqualTo(200);
        assertThat(services.hitsOn("/api/reports")).as("the declared one never reached the service")
                .isLessThanOrEqualTo(before + 2);
    }

    // --- rate limits ---

    @Test
    void aSignedInUserGetsExactlyTheLimitThen429UntilTheWindowResets() throws Exception {
        String[] token = bearer(newUser(), "user");
        for (int i = 1; i <= SIGNED_IN_LIMIT; i++) {
            HttpResponse<String> allowed = send("GET", "/api/notifications", null, token);
            assertThat(allowed.statusCode()).as("request %d", i).isEqualTo(200);
            assertThat(allowed.headers().firstValue("RateLimit-Limit")).hasValue(String.valueOf(SIGNED_IN_LIMIT));
            assertThat(allowed.headers().firstValue("RateLimit-Remaining")).hasValue(String.valueOf(SIGNED_IN_LIMIT - i));
        }
        HttpResponse<String> refused = send("GET", "/api/notifications", null, token);
        assertProblem(refused, 429);
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, WINDOW.toSeconds());
        assertThat(refused.headers().firstValue("RateLimit-Remaining")).hasValue("0");

        // Another user has a budget of their own.
        assertThat(send("GET", "/api/notifications", null, bearer(newUser(), "user")).statusCode()).isEqualTo(200);

        await().atMost(WINDOW.plusSeconds(2)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(send("GET", "/api/notifications", null, token).statusCode()).isEqualTo(200));
    }

    @Test
    void redisIsServedByOneIoThread() {
        // Redisson's default is 32: see EdgeConfiguration#edgeRedisIoThreads for what one thread was measured to gain.
        assertThat(redisson.getConfig().getNettyThreads()).isEqualTo(1);
    }

    @Test
    void signInPathsHaveASmallerBudgetPerAddress() throws Exception {
        redisson.getKeys().deleteByPattern("gateway:ratelimit:sign-in:*");
        for (int i = 1; i <= SIGN_IN_LIMIT; i++) {
            assertThat(send("POST", "/api/auth/login", "{}").statusCode()).as("attempt %d", i).isEqualTo(200);
        }
        // The address is the connection's: a forged X-Forwarded-For does not buy a fresh budget.
        HttpResponse<String> refused = send("POST", "/api/auth/register", "{}", "X-Forwarded-For", "6.6.6.6");

        assertProblem(refused, 429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        // (Not "the 127.0.0.1 key exists": on a loaded machine the 3 s window may be over by now.)
        assertThat(redisson.getKeys().countExists("gateway:ratelimit:sign-in:6.6.6.6")).isZero();
        redisson.getKeys().deleteByPattern("gateway:ratelimit:sign-in:*");
    }

    // --- resilience ---

    @Test
    void theBreakerOpensOnAFailingServiceAnswers503WithRetryAfterAndClosesAgain() throws Exception {
        String[] token = bearer(newUser(), "user");
        breakers.circuitBreaker("inference-bridge").reset();
        services.inference = StubServices.Behaviour.TOO_SLOW;
        try {
            for (int i = 0; i < 4; i++) {
                assertProblem(send("POST", "/api/inference/v1/eta", "{}", token), 504);
            }
            int hitsWhenOpen = services.hitsOn("/api/inference");
            HttpResponse<String> open = send("POST", "/api/inference/v1/eta", "{}", token);
            assertProblem(open, 503);
            assertThat(open.headers().firstValue("Retry-After")).hasValue("2");
            assertThat(services.hitsOn("/api/inference")).as("an open breaker does not call the service")
                    .isEqualTo(hitsWhenOpen);
        } finally {
            services.inference = StubServices.Behaviour.ANSWER;
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                assertThat(send("POST", "/api/inference/v1/eta", "{}", bearer(newUser(), "user")).statusCode())
                        .isEqualTo(200));
    }

    @Test
    void aServiceThatClosesOrResetsTheConnectionWithoutAnsweringIsA502NotA500() throws Exception {
        // Found by the chaos suite: a service killed mid-request (or a fault proxy that cannot reach it) closes or
        // resets the gateway's connection before any answer, which the gateway answered with a 500 of its own.
        String token = bearer(newUser(), "user")[1];
        for (String method : new String[] {"GET", "POST"}) {
            for (String path : new String[] {"/api/reports/close-without-answer", "/api/reports/reset-without-answer"}) {
                assertProblem(send(method, path, method.equals("POST") ? "{}" : null, "Authorization", token), 502);
                breakers.circuitBreaker("reporting-bridge").reset();
            }
        }
    }

    @Test
    void aRedisThatDoesNotAnswerCostsARequestTheEdgesRedisTimeoutNotRedissonsRetries() throws Exception {
        String[] token = bearer(newUser(), "user");
        String ticket = newTicket();
        redis.freeze();
        try {
            long started = System.nanoTime();
            HttpResponse<String> unlimited = send("GET", "/api/auth/me", null, token);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(unlimited.statusCode()).as("the rate limit fails open").isEqualTo(200);
            assertThat(unlimited.headers().firstValue("RateLimit-Limit")).isEmpty();
            assertThat(took).as("waiting on Redisson's own retries takes 10 s or more").isLessThan(Duration.ofSeconds(5));
            HttpResponse<String> handshake = send("GET", "/ws/notifications?ticket=" + ticket, null, "Origin", ORIGIN);
            assertProblem(handshake, 503);
            assertThat(handshake.headers().firstValue("Retry-After")).hasValue("1");
        } finally {
            redis.thaw();
        }
    }

    @Test
    void aSlowServiceDoesNotHoldUpTheOtherRoutes() throws Exception {
        services.inference = StubServices.Behaviour.HOLD;
        try {
            CompletableFuture<HttpResponse<String>> held = http.sendAsync(request("/api/inference/v1/model")
                    .header("Authorization", bearer(newUser(), "user")[1]).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(5)).until(() -> services.hitsOn("/api/inference") > 0 && !held.isDone());

            HttpResponse<String> other = send("GET", "/api/reports/service-info", null);

            assertThat(other.statusCode()).isEqualTo(200);
            assertThat(held).isNotDone();
        } finally {
            services.releaseHeld();
            services.inference = StubServices.Behaviour.ANSWER;
            breakers.circuitBreaker("inference-bridge").reset();
        }
    }

    @Test
    void manyConcurrentCallsToOneServiceAllGetThrough() throws Exception {
        int concurrent = 60;
        int before = services.hitsOn("/api/reports");
        List<CompletableFuture<HttpResponse<String>>> calls = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < concurrent; i++) {
                calls.add(http.sendAsync(request("/api/reports/held/" + i)
                        .header("Authorization", bearer(newUser(), "user")[1]).GET().build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> services.hitsOn("/api/reports") - before == concurrent);
        } finally {
            services.releaseHeld();
        }
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            assertThat(call.get(20, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    // --- WebSockets ---

    @Test
    void aWebSocketHandshakeWithAnAllowedOriginAndALiveTicketIsProxied() {
        String ticket = newTicket();

        String first = handshake(ORIGIN, ticket).block(Duration.ofSeconds(10));

        assertThat(first).isEqualTo("hello from downstream");
        assertThat(redisson.getBucket("notification:ticket:" + ticket, StringCodec.INSTANCE).isExists())
                .as("the gateway only looks at the ticket: notification-service spends it").isTrue();
    }

    @Test
    void aWebSocketWhoseServiceDropsItsConnectionIsClosedWith1011SoTheClientReconnects() {
        services.webSocketEnd = StubServices.WebSocketEnd.DROP_WITHOUT_CLOSE_FRAME;
        try {
            assertThat(closeStatusAfterGreeting(newTicket()).code())
                    .as("1000 would tell the client not to reconnect (platform.asyncapi.yaml, x-close-codes)")
                    .isEqualTo(1011);
        } finally {
            services.webSocketEnd = StubServices.WebSocketEnd.STAY_OPEN;
        }
    }

    @Test
    void aCloseFrameOfTheServiceReachesTheClientUnchanged() {
        services.webSocketEnd = StubServices.WebSocketEnd.CLOSE_GOING_AWAY;
        try {
            assertThat(closeStatusAfterGreeting(newTicket()).code()).isEqualTo(1001);
        } finally {
            services.webSocketEnd = StubServices.WebSocketEnd.STAY_OPEN;
        }
    }

    @Test
    void aCrossOriginWebSocketHandshakeIs403EvenWithALiveTicket() throws Exception {
        String ticket = newTicket();

        assertThat(handshakeStatus("http://evil.example", ticket)).isEqualTo(403);
        assertThat(handshakeStatus(null, ticket)).isEqualTo(403);
        HttpResponse<String> plain = send("GET", "/ws/notifications?ticket=" + ticket, null,
                "Origin", "http://evil.example");
        assertProblem(plain, 403);
    }

    @Test
    void aWebSocketHandshakeWithoutALiveTicketIs403() {
        assertThat(handshakeStatus(ORIGIN, null)).isEqualTo(403);
        assertThat(handshakeStatus(ORIGIN, "A".repeat(43))).isEqualTo(403);
        assertThat(handshakeStatus(ORIGIN, "too-short")).isEqualTo(403);
    }

    // --- edge hygiene ---

    @Test
    void securityHeadersArePresentOnEveryAnswer() throws Exception {
        for (HttpResponse<String> response : List.of(
                send("GET", "/api/auth/service-info", null),
                send("GET", "/api/auth/me", null),
                send("GET", "/no/such/route", null))) {
            assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
            assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("strict-origin-when-cross-origin");
            assertThat(response.headers().firstValue("Content-Security-Policy")).isPresent();
            assertThat(response.headers().firstValue("Strict-Transport-Security"))
                    .as("HSTS only behind TLS").isEmpty();
        }
        assertThat(send("GET", "/api/auth/service-info", null).headers().firstValue("Content-Security-Policy"))
                .hasValue("default-src 'none'; frame-ancestors 'none'");
    }

    @Test
    void corsAllowsTheConfiguredOriginOnlyAndAnswersProblems() throws Exception {
        HttpResponse<String> allowed = send("OPTIONS", "/api/auth/me", null, "Origin", ORIGIN,
                "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization");
        HttpResponse<String> foreign = send("OPTIONS", "/api/auth/me", null, "Origin", "http://evil.example",
                "Access-Control-Request-Method", "GET");
        HttpResponse<String> simple = send("GET", "/api/auth/service-info", null, "Origin", ORIGIN);

        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
        assertProblem(foreign, 403);
        assertThat(simple.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
        assertThat(simple.headers().firstValue("Access-Control-Expose-Headers").orElse(""))
                .contains("X-Request-Id", "RateLimit-Remaining", "Retry-After");
    }

    @Test
    void jsonIsCompressedWithGzipOrBrotli() throws Exception {
        String token = bearer(newUser(), "user")[1];
        HttpResponse<byte[]> gzip = http.send(request("/api/auth/big").header("Accept-Encoding", "gzip")
                .header("Authorization", token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> brotli = http.send(request("/api/auth/big").header("Accept-Encoding", "br")
                .header("Authorization", token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(gzip.headers().firstValue("Content-Encoding")).hasValue("gzip");
        String unzipped = new String(new GZIPInputStream(new ByteArrayInputStream(gzip.body())).readAllBytes());
        assertThat(JSON.readTree(unzipped).path("uri").asString()).isEqualTo("/api/auth/big");
        assertThat(brotli.headers().firstValue("Content-Encoding")).hasValue("br");
        assertThat(brotli.body().length).isLessThan(4096);
    }

    // --- the operations API: Prometheus' queries, admin only (contracts/openapi/operations.yaml) ---

    @Test
    void prometheusQueriesAreForAdminsOnly() throws Exception {
        int before = prometheus.calls.size();
        assertProblem(send("GET", "/api/operations/prometheus/query?query=up", null), 401);
        for (String role : List.of("user", "viewer")) {
            assertProblem(send("GET", "/api/operations/prometheus/query?query=up", null, bearer(newUser(), role)), 403);
            assertProblem(send("GET", "/api/operations/prometheus/query_range?query=up&start=1&end=2&step=1", null,
                    bearer(newUser(), role)), 403);
        }
        assertThat(prometheus.calls).hasSize(before);
    }

    @Test
    void anAdminsQueriesReachPrometheusHttpApiWithoutTheTokenAndItsAnswersComeBackUnchanged() throws Exception {
        int before = prometheus.calls.size();
        HttpResponse<String> instant = send("GET", "/api/operations/prometheus/query?query=up", null,
                bearer(newUser(), "admin"));
        String expression = "sum%20by%20%28routeId%29%20%28rate%28x%5B1m%5D%29%29";
        String range = "?query=" + expression + "&start=2026-12-03T07:30:00Z&end=2026-12-03T08:00:00Z&step=30s";
        HttpResponse<String> ranged = send("GET", "/api/operations/prometheus/query_range" + range, null,
                bearer(newUser(), "admin"));

        assertThat(instant.statusCode()).isEqualTo(200);
        assertThat(instant.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(instant.body())).isEqualTo(JSON.readTree(StubPrometheus.VECTOR));
        assertThat(ranged.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ranged.body())).isEqualTo(JSON.readTree(StubPrometheus.MATRIX));
        assertThat(prometheus.calls.subList(before, prometheus.calls.size())).containsExactly(
                new StubPrometheus.Call("GET", "/api/v1/query?query=up", "-"),
                new StubPrometheus.Call("GET", "/api/v1/query_range" + range, "-"));
    }

    @Test
    void onlyTheTwoQueriesAreServedAndOnlyAsGet() throws Exception {
        int before = prometheus.calls.size();
        HttpResponse<String> post = send("POST", "/api/operations/prometheus/query?query=up", "{}",
                bearer(newUser(), "admin"));
        assertProblem(post, 405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET");
        assertProblem(send("DELETE", "/api/operations/prometheus/query_range", null, bearer(newUser(), "admin")), 405);
        for (String path : List.of("/api/operations/prometheus/api/v1/admin/tsdb/delete_series?match[]=up",
                "/api/operations/prometheus/labels", "/api/operations/prometheus/query/x", "/api/operations/other")) {
            assertProblem(send("GET", path, null, bearer(newUser(), "admin")), 404);
        }
        assertThat(prometheus.calls).as("nothing reached Prometheus").hasSize(before);
    }

    @Test
    void prometheusRefusalsAndFailuresAreProblems() throws Exception {
        HttpResponse<String> refused = send("GET", "/api/operations/prometheus/query?query=bad%28", null,
                bearer(newUser(), "admin"));
        HttpResponse<String> failed = send("GET", "/api/operations/prometheus/query?query=slow", null,
                bearer(newUser(), "admin"));

        assertProblem(refused, 400);
        assertThat(JSON.readTree(refused.body()).path("detail").asString()).isEqualTo(
                "Prometheus refused the query: invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis");
        assertProblem(failed, 503);
        assertThat(JSON.readTree(failed.body()).path("detail").asString())
                .isEqualTo("Prometheus could not answer the query: query timed out in expression evaluation");
    }

    @Test
    void aPrometheusThatDoesNotAnswerIs503() throws Exception {
        prometheus.stop();
        try {
            HttpResponse<String> down = send("GET", "/api/operations/prometheus/query?query=up", null,
                    bearer(newUser(), "admin"));

            assertProblem(down, 503);
            assertThat(JSON.readTree(down.body()).path("detail").asString())
                    .isEqualTo("Prometheus does not answer (PROMETHEUS_URL).");
            assertThat(down.headers().firstValue("Retry-After")).hasValue("1");
        } finally {
            prometheus.start();
        }
        assertThat(send("GET", "/api/operations/prometheus/query?query=up", null, bearer(newUser(), "admin"))
                .statusCode()).as("back once it answers again").isEqualTo(200);
    }

    // --- docs and console ---

    @Test
    void theDocsShowTheContractsFirstThenEveryServiceAndAllPointAtTheGateway() throws Exception {
        HttpResponse<String> config = send("GET", "/v3/api-docs/swagger-config", null);
        assertThat(config.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(config.body()).path("urls").findValuesAsString("url")).containsExactly(
                "/contracts/openapi/auth.yaml", "/contracts/openapi/inference.yaml",
                "/contracts/openapi/notification.yaml", "/contracts/openapi/operations.yaml",
                "/contracts/openapi/reporting.yaml",
                "/v3/api-docs/auth-service", "/v3/api-docs/inference-bridge",
                "/v3/api-docs/notification-service", "/v3/api-docs/reporting-bridge");
        assertThat(JSON.readTree(config.body()).path("urls.primaryName").asString()).isEqualTo("contract: auth");
        for (String contract : List.of("auth", "notification", "inference", "reporting", "operations")) {
            HttpResponse<String> document = send("GET", "/contracts/openapi/" + contract + ".yaml", null);
            assertThat(document.statusCode()).as(contract).isEqualTo(200);
            assertThat(document.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/yaml");
            JsonNode parsed = new YAMLMapper().readTree(document.body());
            assertThat(parsed.path("servers").get(0).path("url").asString()).as("Try it out goes through this gateway")
                    .isEqualTo("/");
            String sharedSchema = parsed.path("components").path("schemas").path("Problem").path("$ref").asString();
            assertThat(sharedSchema).as("relative, resolved by Swagger UI").isEqualTo("../schemas/problem.schema.json");
        }
        HttpResponse<String> problemSchema = send("GET", "/contracts/schemas/problem.schema.json", null);
        assertThat(problemSchema.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(problemSchema.body()).path("title").asString()).isEqualTo("Problem");
        assertProblem(send("GET", "/contracts/openapi/nothing.yaml", null), 404);
        assertProblem(send("GET", "/contracts/schemas/..%2Fopenapi%2Fauth.json", null), 400);
        for (String service : List.of("auth-service", "notification-service", "inference-bridge", "reporting-bridge")) {
            HttpResponse<String> document = send("GET", "/v3/api-docs/" + service, null);
            assertThat(document.statusCode()).as(service).isEqualTo(200);
            assertThat(JSON.readTree(document.body()).path("servers").get(0).path("url").asString()).isEqualTo("/");
        }
        HttpResponse<String> swaggerUi = send("GET", "/docs", null);
        assertThat(swaggerUi.statusCode()).isIn(200, 302);
        HttpResponse<String> redoc = send("GET", "/redoc", null);
        assertThat(redoc.statusCode()).isEqualTo(200);
        assertThat(redoc.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("script-src 'self' https://cdn.redoc.ly").doesNotContain("unsafe-eval");
    }

    @Test
    void aGetAnsweredWithA500OrA503IsNotRetriedButOneAnsweredWithA502Is() throws Exception {
        String token = bearer(newUser(), "user")[1];
        for (int status : new int[] {500, 503}) {
            int before = services.hitsOn("/api/reports");
            HttpResponse<String> failed = send("GET", "/api/reports/status-" + status, null, "Authorization", token);
            assertThat(failed.statusCode()).isEqualTo(status);
            assertThat(services.hitsOn("/api/reports") - before)
                    .as("a %d is the service's answer (a 503 with its own Retry-After): passed on once", status)
                    .isEqualTo(1);
        }

        int before = services.hitsOn("/api/reports");
        send("GET", "/api/reports/status-502", null, "Authorization", token);
        assertThat(services.hitsOn("/api/reports") - before).as("a 502 may pass: tried twice more").isEqualTo(3);
        breakers.circuitBreaker("reporting-bridge").reset();
    }

    @Test
    void requestsNettyCannotDecodeGetAProblemToo() throws Exception {
        String longLine = "GET /api/reports?q=" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
        String hugeHeader = "GET /api/auth/service-info HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(40_000)
                + "\r\n\r\n";
        String controlCharacter = "GET /api/auth/service-info HTTP/1.1\r\nHost: localhost\r\nX-Bad: a\u0001b\r\n\r\n";

        assertRawProblem(rawExchange(longLine), 414, "/problems/uri-too-long");
        assertRawProblem(rawExchange(hugeHeader), 431, "/problems/request-header-fields-too-large");
        assertRawProblem(rawExchange(controlCharacter), 400, "/problems/bad-request");
    }

    private String rawExchange(String request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static void assertRawProblem(String response, int status, String type) {
        assertThat(response).as(response).startsWith("HTTP/1.1 " + status + " ");
        assertThat(response.toLowerCase()).contains("content-type: application/problem+json");
        JsonNode problem = JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
        assertThat(problem.path("type").asString()).isEqualTo(type);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
    }

    @Test
    void aProblemTypeResolvesToItsDescriptionOnTheGateway() throws Exception {
        HttpResponse<String> page = send("GET", "/problems/validation-error", null, "Accept", "text/html");
        HttpResponse<String> json = send("GET", "/problems/report-not-ready", null, "Accept", "application/json");
        HttpResponse<String> index = send("GET", "/problems", null, "Accept", "text/html");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<h1>Invalid request</h1>").contains("HTTP status 422");
        assertThat(JSON.readTree(json.body()).path("status").asInt()).isEqualTo(409);
        assertThat(JSON.readTree(json.body()).path("type").asString()).isEqualTo("/problems/report-not-ready");
        assertThat(index.body()).contains("/problems/not-found").contains("/problems/rate-limited");
        assertProblem(send("GET", "/problems/no-such-thing", null, "Accept", "text/html"), 404);
    }

    @Test
    void theConsoleIsServedWithAStrictPolicyAndDeepLinksFallBackToIt() throws Exception {
        HttpResponse<String> index = send("GET", "/", null);
        HttpResponse<String> asset = send("GET", "/assets/app.js", null);
        HttpResponse<String> deepLink = send("GET", "/jobs/42", null, "Accept", "text/html,*/*;q=0.8");
        HttpResponse<String> apiAsHtml = send("GET", "/api/nothing/here", null, "Accept", "text/html");
        HttpResponse<String> missingAsset = send("GET", "/assets/missing.js", null);

        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).contains("console root");
        String policy = index.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(policy).contains("script-src 'self';").contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-eval");
        assertThat(asset.body()).isEqualTo("console.log('app');");
        assertThat(asset.headers().firstValue("Cache-Control").orElse("")).contains("immutable");
        assertThat(asset.headers().firstValue("RateLimit-Limit")).as("assets are not counted").isEmpty();
        assertThat(deepLink.body()).contains("console root");
        assertThat(apiAsHtml.statusCode()).isEqualTo(401);
        assertProblem(missingAsset, 404);
    }

    // --- helpers ---

    private String newUser() {
        return UUID.randomUUID().toString();
    }

    private String[] bearer(String userId, String role) {
        return new String[] {"Authorization", EdgeCredentials.bearer(signingKey, userId, role)};
    }

    private String newTicket() {
        return EdgeCredentials.newTicket(redisson);
    }

    private Mono<String> handshake(String origin, String ticket) {
        return reactor.netty.http.client.HttpClient.create()
                .headers(headers -> {
                    if (origin != null) {
                        headers.set("Origin", origin);
                    }
                })
                .websocket(WebsocketClientSpec.builder().build())
                .uri("ws://127.0.0.1:" + port + "/ws/notifications" + (ticket == null ? "" : "?ticket=" + ticket))
                .handle((WebsocketInbound inbound, reactor.netty.http.websocket.WebsocketOutbound outbound) ->
                        inbound.receive().asString().take(1))
                .next();
    }

    /** Reads the greeting, then waits for the gateway to close the socket. */
    private WebSocketCloseStatus closeStatusAfterGreeting(String ticket) {
        return reactor.netty.http.client.HttpClient.create()
                .headers(headers -> headers.set("Origin", ORIGIN))
                .websocket(WebsocketClientSpec.builder().build())
                .uri("ws://127.0.0.1:" + port + "/ws/notifications?ticket=" + ticket)
                .handle((WebsocketInbound inbound, reactor.netty.http.websocket.WebsocketOutbound outbound) ->
                        inbound.receive().asString().then(inbound.receiveCloseStatus()))
                .next()
                .block(Duration.ofSeconds(10));
    }

    private int handshakeStatus(String origin, String ticket) {
        try {
            handshake(origin, ticket).block(Duration.ofSeconds(10));
            return 101;
        } catch (RuntimeException refused) {
            Throwable cause = refused;
            while (cause != null) {
                if (cause instanceof io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException failed) {
                    return failed.response().status().code();
                }
                cause = cause.getCause();
            }
            throw refused;
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20));
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder builder = request(path).method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            builder.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What the gateway answers for each status (contracts/problems/problem-types.yaml: one type, one title). */
    private static final Map<Integer, String> PROBLEM_TYPES = Map.of(400, "/problems/bad-request",
            401, "/problems/unauthorized", 403, "/problems/forbidden", 404, "/problems/not-found",
            405, "/problems/method-not-allowed", 413, "/problems/content-too-large", 429, "/problems/rate-limited",
            502, "/problems/bad-gateway", 503, "/problems/service-unavailable", 504, "/problems/gateway-timeout");

    private static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("type").asString()).as(response.body()).isEqualTo(PROBLEM_TYPES.get(status));
        assertThat(problem.path("title").asString()).as("the contract's title")
                .isEqualTo(ProblemType.byName(problem.path("type").asString().substring("/problems/".length()))
                        .orElseThrow().title());
        assertThat(problem.path("detail").asString()).isNotBlank();
    }

    private static Path consoleFolder() {
        try {
            Path dir = Files.createTempDirectory("console-dist");
            Files.createDirectories(dir.resolve("assets"));
            Files.writeString(dir.resolve("index.html"), "<!doctype html><title>console root</title>");
            Files.writeString(dir.resolve("assets/app.js"), "console.log('app');");
            return dir;
        } catch (java.io.IOException failed) {
            throw new IllegalStateException(failed);
        }
    }
}
