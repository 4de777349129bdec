package dev.polyglot.auth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.polyglot.auth.keys.SigningKeys;
import dev.polyglot.auth.outbox.Outbox;
import dev.polyglot.auth.outbox.OutboxRelay;
import dev.polyglot.contracts.Streams;
import dev.polyglot.contracts.events.UserDeleted;
import dev.polyglot.servicekit.contract.ContractViolationException;
import dev.polyglot.servicekit.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * auth-service's API against the real application (random port, real Redis of REDIS_URL or REDIS_CLUSTER_NODES), run
 * once per database by its subclasses: accounts, tokens, refresh rotation, administration, throttling, the outbox, hostile input.
 */
abstract class AuthApiContract {

    static final String ADMIN_EMAIL = "boot-admin@example.com";
    static final String ADMIN_PASSWORD = "bootstrap-admin-password-for-tests";
    static final String PASSWORD = "correct-horse-battery-staple";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path EVENT_SCHEMAS = Path.of("../contracts/events/schemas");

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    SigningKeys signingKeys;
    @Autowired
    RedissonClient redisson;
    @Autowired
    ApplicationContext context;

    Api api;

    @BeforeAll
    static void requireRealRedis() {
        TestRedis.settings(); // REDIS_URL, or the cluster of REDIS_CLUSTER_NODES, which the application reads itself
    }

    static void commonProperties(DynamicPropertyRegistry registry) {
        registry.add("ADMIN_EMAIL", () -> ADMIN_EMAIL.toUpperCase());
        registry.add("ADMIN_PASSWORD", () -> ADMIN_PASSWORD);
        registry.add("auth.login-throttle.max-failures-per-account", () -> "5");
        registry.add("auth.login-throttle.max-failures-per-ip", () -> "8");
        registry.add("auth.outbox.relay-interval", () -> "200ms");
    }

    @BeforeEach
    void setUp() {
        api = new Api(port);
        // Every test logs in from 127.0.0.1: start each with a clean per-address counter.
        redisson.getKeys().deleteByPattern("auth:login-failures:ip:*");
    }

    // --- helpers ---

    static String email() {
        return "u" + UUID.randomUUID().toString().substring(0, 12) + "@example.com";
    }

    Api.Response register(String email, String name, String password) {
        return api.post("/api/auth/register", Map.of("email", email, "name", name, "password", password));
    }

    JsonNode registerOk(String email) {
        Api.Response response = register(email, "Test User", PASSWORD);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    Api.Response login(String email, String password) {
        return api.post("/api/auth/login", Map.of("email", email, "password", password));
    }

    JsonNode loginOk(String email, String password) {
        Api.Response response = login(email, password);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    String adminToken() {
        return loginOk(ADMIN_EMAIL, ADMIN_PASSWORD).path("access_token").asString();
    }

    static void assertProblem(Api.Response response, int status, String type) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.text("type")).isEqualTo(type);
        assertThat(response.json().path("status").asInt()).isEqualTo(status);
    }

    // --- register ---

    @Test
    void registerNormalisesEmailKeepsTheNameAsWrittenAndAnswers201WithLocation() {
        String email = email();
        Api.Response response = register(email.toUpperCase(), "  Ada Lovelace  ", PASSWORD);

        assertThat(response.status()).as(response.body()).isEqualTo(201);
        JsonNode user = response.json();
        assertThat(user.path("email").asString()).isEqualTo(email);
        assertThat(user.path("name").asString()).isEqualTo("  Ada Lovelace  ");
        assertThat(user.path("role").asString()).isEqualTo("user");
        assertThat(user.has("password")).isFalse();
        assertThat(user.has("password_hash")).isFalse();
        assertThat(response.raw().headers().firstValue("Location").orElseThrow())
                .isEqualTo("/api/auth/users/" + user.path("id").asString());
        assertThat(jdbc.sql("SELECT password_hash FROM users WHERE email = ?").param(email).query(String.class).single())
                .startsWith("$argon2id$v=19$m=19456,t=2,p=1$");

        assertProblem(register(email.toUpperCase(), "Someone Else", PASSWORD), 409,
                "/problems/conflict");
    }

    @Test
    void registerRefusesBrokenInputWith422AndFieldErrors() {
        assertProblem(register("not-an-email", "Ada", PASSWORD), 422,
                "/problems/validation-error");
        Api.Response shortPassword = register(email(), "Ada", "short-pw");
        assertProblem(shortPassword, 422, "/problems/validation-error");
        assertThat(shortPassword.json().path("errors").get(0).path("pointer").asString()).isEqualTo("/body/password");
        Api.Response common = register(email(), "Ada", "Password1234");
        assertProblem(common, 422, "/problems/validation-error");
        assertThat(common.json().path("errors").get(0).path("message").asString()).contains("common");
        Api.Response oneLetter = register(email(), "A", PASSWORD);
        assertProblem(oneLetter, 422, "/problems/validation-error");
        assertThat(oneLetter.json().path("errors").get(0).path("pointer").asString()).isEqualTo("/body/name");
        assertProblem(api.post("/api/auth/register", "{\"email\":"), 400,
                "/problems/malformed-body");
        assertProblem(api.post("/api/auth/register", Map.of("email", email(), "name", "Ada", "password", PASSWORD,
                "role", "superuser")), 422, "/problems/validation-error");
    }

    /**
     * A name is valid exactly when the contract says so (2..100 characters, none of them a C0 or C1 control
     * character) and is kept as written: " A" is a name of two characters, "Ada" and U+0085 (NEL, a C1 control) is
     * none.
     */
    @Test
    void aNameIsValidExactlyWhenTheContractSaysSo() {
        for (String name : List.of(" A", "A ", "\u00a0\u00a0", "A\u2028B", "Ada\u00a0Lovelace")) {
            Api.Response response = register(email(), name, PASSWORD);
            assertThat(response.status()).as("'%s' -> %s", name, response.body()).isEqualTo(201);
            assertThat(response.text("name")).isEqualTo(name);
        }
        for (String name : List.of("A", "", "Ada\u0007", "Ada\u0085", "\u007f\u007f", "tab\tname", "x".repeat(101))) {
            assertThat(pointers(register(email(), name, PASSWORD))).as("'%s'", name).containsOnly("/body/name");
        }
        String id = registerOk(email()).path("id").asString();
        assertThat(pointers(api.call("PATCH", "/api/auth/users/" + id, adminToken(), Map.of("name", "Ada\u009f"))))
                .containsExactly("/body/name");
        Api.Response renamed = api.call("PATCH", "/api/auth/users/" + id, adminToken(), Map.of("name", " B"));
        assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
        assertThat(renamed.text("name")).isEqualTo(" B");
    }

    /** An empty email passed @Email (and registered, then signed in): the contract's minLength 3 refuses it. */
    @Test
    void anEmailOfFewerThanThreeCharactersIs422OnRegisterAndLogin() {
        for (String email : List.of("", "a", "a@")) {
            assertThat(pointers(register(email, "Ada", PASSWORD))).as("register '%s'", email)
                    .containsOnly("/body/email");
            assertThat(pointers(login(email, PASSWORD))).as("login '%s'", email).containsOnly("/body/email");
        }
    }

    @Test
    void registrationReportsEveryInvalidMemberAtOnce() {
        assertThat(pointers(register("not-an-email", "A", PASSWORD))).containsExactly("/body/email", "/body/name");
        // The rule beyond the schema (common passwords) joins the schema's in the same answer.
        assertThat(pointers(register("not-an-email", "A", "Password1234")))
                .containsExactly("/body/email", "/body/name", "/body/password");
        // A padded email is not the contract's email format (only its case is normalised).
        assertThat(pointers(register("  " + email() + " ", "Ada", PASSWORD))).containsExactly("/body/email");
    }

    @Test
    void aBodyThatIsNotTheSchemasObjectIs422AndNamesWhatIsWrong() {
        assertThat(pointers(api.post("/api/auth/register", "null"))).containsExactly("/body");
        assertThat(pointers(api.post("/api/auth/login", "[]"))).containsExactly("/body");
        assertThat(pointers(api.post("/api/auth/login", Map.of("email", email(), "password", PASSWORD,
                "is_admin", true)))).containsExactly("/body/is_admin");
        assertThat(pointers(api.post("/api/auth/logout", Map.of("refresh_token", false))))
                .containsExactly("/body/refresh_token");
        assertThat(pointers(api.post("/api/auth/register", Map.of("email", email(), "name", "Ada",
                "password", PASSWORD, "role", 2)))).containsExactly("/body/role");
        Map<String, Object> nullRole = new java.util.HashMap<>(Map.of("email", email(), "name", "Ada",
                "password", PASSWORD));
        nullRole.put("role", null);
        assertThat(pointers(api.post("/api/auth/register", nullRole))).containsExactly("/body/role");
    }

    @Test
    void anExplicitNullOrNothingToChangeIsAnInvalidUpdate() {
        String admin = adminToken();
        String id = registerOk(email()).path("id").asString();
        Map<String, Object> nullRole = new java.util.HashMap<>(Map.of("name", "Renamed"));
        nullRole.put("role", null);

        assertThat(pointers(api.call("PATCH", "/api/auth/users/" + id, admin, nullRole))).containsExactly("/body/role");
        assertThat(pointers(api.call("PATCH", "/api/auth/users/" + id, admin, Map.of("role", 0))))
                .containsExactly("/body/role");
        assertThat(pointers(api.call("PATCH", "/api/auth/users/" + id, admin, Map.of()))).containsExactly("/body");
        assertThat(api.get("/api/auth/users/" + id, admin).text("name")).as("nothing changed").isEqualTo("Test User");
    }

    @Test
    void aQueryValueSentEmptyIsInvalidNotTheDefault() {
        assertThat(pointers(api.get("/api/auth/users?page=&size=", adminToken())))
                .containsExactly("/query/page", "/query/size");
        assertThat(pointers(api.get("/api/auth/users?email=", adminToken()))).containsExactly("/query/email");
    }

    @Test
    void aMultipartContentTypeWithoutBoundaryIsNeverA500() {
        String admin = adminToken();
        Api.Response delete = api.call("DELETE", "/api/auth/users/" + UUID.randomUUID(), admin, null,
                "multipart/form-data");
        Api.Response register = api.call("POST", "/api/auth/register", null, "", "multipart/form-data");
        Api.Response info = api.call("GET", "/api/auth/service-info", null, null, "multipart/form-data");

        assertProblem(delete, 404, delete.text("type"));
        assertProblem(register, 415, register.text("type"));
        assertThat(info.status()).isEqualTo(200);
    }

    @Test
    void aMethodAPathDoesNotServeIs405WithAllowAndAProblem() {
        for (String method : List.of("PUT", "TRACE", "QUERY")) {
            Api.Response response = api.call(method, "/api/auth/me", null, null);

            assertProblem(response, 405, response.text("type"));
            assertThat(response.raw().headers().firstValue("Allow").orElse("")).as(method).contains("GET")
                    .doesNotContain(method);
        }
    }

    /** The pointers of a 422 problem's errors. */
    static List<String> pointers(Api.Response response) {
        assertProblem(response, 422, response.text("type"));
        assertThat(response.text("type")).endsWith("/problems/validation-error");
        return response.json().path("errors").valueStream().map(error -> error.path("pointer").asString()).toList();
    }

    @Test
    void selfRegistrationCannotAskForAdminButAnAdminCanCreateOne() {
        Map<String, String> asAdmin = Map.of("email", email(), "name", "New Admin", "password", PASSWORD,
                "role", "admin");
        assertProblem(api.post("/api/auth/register", asAdmin), 403, "/problems/forbidden");
        String userToken = loginOk(registerOk(email()).path("email").asString(), PASSWORD).path("access_token").asString();
        assertProblem(api.call("POST", "/api/auth/register", userToken, asAdmin), 403,
                "/problems/forbidden");

        Api.Response created = api.call("POST", "/api/auth/register", adminToken(), asAdmin);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.text("role")).isEqualTo("admin");
        Api.Response viewer = api.post("/api/auth/register", Map.of("email", email(), "name", "Viewer",
                "password", PASSWORD, "role", "viewer"));
        assertThat(viewer.text("role")).isEqualTo("viewer");
    }

    @Test
    void concurrentDuplicateRegistrationsCreateExactlyOneUser() throws Exception {
        String email = email();
        int threads = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                String spelling = i % 2 == 0 ? email : email.toUpperCase();
                Callable<Integer> attempt = () -> {
                    start.await();
                    return register(spelling, "Racer", PASSWORD).status();
                };
                results.add(pool.submit(attempt));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> result : results) {
                statuses.add(result.get());
            }
            assertThat(statuses).containsOnly(201, 409);
            assertThat(statuses.stream().filter(status -> status == 201).count()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM users WHERE email = ?").param(email).query(Long.class).single())
                .isEqualTo(1L);
    }

    @Test
    void hostileStringsAreStoredVerbatimOrRefusedWith422NeverA500() {
        List<String> verbatim = List.of(
                "Robert'); DROP TABLE users;--",
                "<script>alert('x')</script>",
                "\" OR 1=1 --",
                "Zoë Ωμέγα 日本語 مرحبا",
                "😀🚀 emoji person",
                "x".repeat(100),
                "🙂".repeat(100),
                "%_\\ wildcards");
        for (String name : verbatim) {
            String email = email();
            Api.Response response = register(email, name, PASSWORD);
            assertThat(response.status()).as(name + " -> " + response.body()).isEqualTo(201);
            assertThat(response.text("name")).isEqualTo(name);
            String token = loginOk(email, PASSWORD).path("access_token").asString();
            assertThat(api.get("/api/auth/me", token).text("name")).isEqualTo(name);
        }
        List<Map<String, String>> refused = List.of(
                Map.of("email", email(), "name", "x".repeat(101), "password", PASSWORD),
                Map.of("email", email(), "name", "nul\u0000byte", "password", PASSWORD),
                Map.of("email", "a".repeat(250) + "@example.com", "name", "Long", "password", PASSWORD),
                Map.of("email", "'; DROP TABLE users;--@example.com", "name", "Sql", "password", PASSWORD),
                Map.of("email", "<script>@example.com", "name", "Html", "password", PASSWORD),
                Map.of("email", email(), "name", "Long password", "password", "p".repeat(10_000)));
        for (Map<String, String> body : refused) {
            Api.Response response = api.post("/api/auth/register", body);
            assertThat(response.status()).as(body.get("name") + " -> " + response.body()).isIn(400, 422);
            assertThat(response.contentType()).startsWith("application/problem+json");
        }
        // Login and the admin filter with hostile text: 401/200, never 500.
        assertThat(login("' OR '1'='1' --@example.com", "' OR '1'='1").status()).isIn(401, 422);
        Api.Response filtered = api.get("/api/auth/users?email=%25'%20OR%201%3D1--", adminToken());
        assertThat(filtered.status()).isEqualTo(200);
        assertThat(filtered.json().path("total_items").asLong()).isZero();
    }

    // --- login and access tokens ---

    @Test
    void loginIssuesAnRs256AccessTokenWithThePlatformClaims() throws Exception {
        JsonNode user = registerOk(email());
        JsonNode tokens = loginOk(user.path("email").asString().toUpperCase(), PASSWORD);

        assertThat(tokens.path("token_type").asString()).isEqualTo("Bearer");
        assertThat(tokens.path("expires_in").asLong()).isEqualTo(900);
        assertThat(tokens.path("refresh_expires_in").asLong()).isEqualTo(Duration.ofDays(7).toSeconds());
        assertThat(Base64.getUrlDecoder().decode(tokens.path("refresh_token").asString())).hasSize(32);
        SignedJWT jwt = SignedJWT.parse(tokens.path("access_token").asString());
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(signingKeys.current().getKeyID());
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("polyglot-auth");
        assertThat(claims.getAudience()).containsExactly("polyglot-platform");
        assertThat(claims.getSubject()).isEqualTo(user.path("id").asString());
        assertThat(claims.getStringListClaim("roles")).containsExactly("user");
        assertThat(claims.getStringClaim("email")).isEqualTo(user.path("email").asString());
        assertThat(UUID.fromString(claims.getJWTID())).isNotNull();
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).isEqualTo(900_000L);

        Api.Response me = api.get("/api/auth/me", tokens.path("access_token").asString());
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.text("id")).isEqualTo(user.path("id").asString());
    }

    @Test
    void unknownEmailAndWrongPasswordGetTheSameAnswer() {
        String email = registerOk(email()).path("email").asString();
        Api.Response wrongPassword = login(email, "not-the-password");
        Api.Response unknownEmail = login(email(), "not-the-password");

        assertProblem(wrongPassword, 401, "/problems/bad-credentials");
        assertThat(unknownEmail.status()).isEqualTo(401);
        assertThat(unknownEmail.body()).isEqualTo(wrongPassword.body());
        assertThat(unknownEmail.json().path("detail")).isEqualTo(wrongPassword.json().path("detail"));
    }

    @Test
    void meWithoutAValidTokenIs401ProblemJson() throws Exception {
        assertProblem(api.get("/api/auth/me", null), 401, "/problems/unauthorized");
        JsonNode user = registerOk(email());
        String id = user.path("id").asString();
        RSAKey key = signingKeys.current();
        Instant now = Instant.now();

        Map<String, String> hostile = Map.of(
                "alg none", new PlainJWT(claims(id, now, "polyglot-auth", "polyglot-platform")).serialize(),
                "foreign key", sign(new RSAKeyGenerator(2048).keyID(key.getKeyID()).generate(),
                        claims(id, now, "polyglot-auth", "polyglot-platform")),
                "expired", sign(key, claims(id, now.minus(Duration.ofMinutes(20)), "polyglot-auth", "polyglot-platform")),
                "wrong aud", sign(key, claims(id, now, "polyglot-auth", "another-platform")),
                "wrong iss", sign(key, claims(id, now, "someone-else", "polyglot-platform")),
                "tampered payload", tamper(sign(key, claims(id, now, "polyglot-auth", "polyglot-platform"))),
                "HS256 with the public key", hmacWithPublicKey(key, claims(id, now, "polyglot-auth", "polyglot-platform")),
                "garbage", "not.a.jwt");
        hostile.forEach((what, token) -> {
            Api.Response response = api.get("/api/auth/me", token);
            assertThat(response.status()).as(what).isEqualTo(401);
            assertThat(response.contentType()).as(what).startsWith("application/problem+json");
        });
        // The same claims, properly signed, are accepted: the rejections above are about what was broken.
        assertThat(api.get("/api/auth/me", sign(key, claims(id, now, "polyglot-auth", "polyglot-platform"))).status())
                .isEqualTo(200);
    }

    static JWTClaimsSet claims(String subject, Instant issuedAt, String issuer, String audience) {
        return new JWTClaimsSet.Builder().subject(subject).issuer(issuer).audience(audience)
                .claim("roles", List.of("admin")).jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(issuedAt)).expirationTime(Date.from(issuedAt.plus(Duration.ofMinutes(15))))
                .build();
    }

    static String sign(RSAKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String tamper(String token) {
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"roles\":[\"admin\"]", "\"roles\":[\"admin\",\"root\"]");
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }

    private static String hmacWithPublicKey(RSAKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new MACSigner(key.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // --- refresh and logout ---

    @Test
    void refreshRotatesAndReusingASpentTokenRevokesTheWholeFamily() {
        String email = registerOk(email()).path("email").asString();
        String first = loginOk(email, PASSWORD).path("refresh_token").asString();

        Api.Response rotated = api.post("/api/auth/refresh", Map.of("refresh_token", first));
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String second = rotated.text("refresh_token");
        assertThat(second).isNotEqualTo(first);
        assertThat(api.get("/api/auth/me", rotated.text("access_token")).status()).isEqualTo(200);

        Api.Response reuse = api.post("/api/auth/refresh", Map.of("refresh_token", first));
        assertProblem(reuse, 401, "/problems/invalid-refresh-token");
        assertThat(reuse.text("detail")).contains("already used");
        // The thief's copy is spent, and the token the user got in between is revoked with its family.
        assertProblem(api.post("/api/auth/refresh", Map.of("refresh_token", second)), 401,
                "/problems/invalid-refresh-token");
        // Another login is another family, untouched.
        String other = loginOk(email, PASSWORD).path("refresh_token").asString();
        assertThat(api.post("/api/auth/refresh", Map.of("refresh_token", other)).status()).isEqualTo(200);
        assertProblem(api.post("/api/auth/refresh", Map.of("refresh_token", "made-up")), 401,
                "/problems/invalid-refresh-token");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM refresh_tokens WHERE token_hash = ?").param(first)
                .query(Long.class).single()).as("stored as a hash, never as it is").isZero();
    }

    @Test
    void logoutRevokesTheFamilyAndIsIdempotent() {
        String email = registerOk(email()).path("email").asString();
        String first = loginOk(email, PASSWORD).path("refresh_token").asString();
        String second = api.post("/api/auth/refresh", Map.of("refresh_token", first)).text("refresh_token");

        assertThat(api.post("/api/auth/logout", Map.of("refresh_token", second)).status()).isEqualTo(204);
        assertThat(api.post("/api/auth/logout", Map.of("refresh_token", second)).status()).isEqualTo(204);
        assertThat(api.post("/api/auth/logout", Map.of("refresh_token", "unknown")).status()).isEqualTo(204);
        assertProblem(api.post("/api/auth/refresh", Map.of("refresh_token", second)), 401,
                "/problems/invalid-refresh-token");
        assertProblem(api.post("/api/auth/logout", Map.of()), 422, "/problems/validation-error");
    }

    // --- administration ---

    @Test
    void usersAreAdminOnly() {
        String userToken = loginOk(registerOk(email()).path("email").asString(), PASSWORD).path("access_token").asString();

        assertProblem(api.get("/api/auth/users", null), 401, "/problems/unauthorized");
        assertProblem(api.get("/api/auth/users", userToken), 403, "/problems/forbidden");
        assertProblem(api.get("/api/auth/users/" + UUID.randomUUID(), userToken), 403,
                "/problems/forbidden");
        assertProblem(api.call("DELETE", "/api/auth/users/" + UUID.randomUUID(), userToken, null), 403,
                "/problems/forbidden");
    }

    @Test
    void adminListsFiltersGetsChangesAndDeletesUsers() {
        String admin = adminToken();
        String marker = "flt" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(registerOk(marker + "-" + i + "@example.com").path("id").asString());
        }

        JsonNode page = api.get("/api/auth/users?size=2&email=" + marker.toUpperCase(), admin).json();
        assertThat(page.path("total_items").asLong()).isEqualTo(3);
        assertThat(page.path("total_pages").asLong()).isEqualTo(2);
        assertThat(page.path("items").size()).isEqualTo(2);
        assertThat(page.path("items").get(0).path("id").asString()).isEqualTo(ids.get(0));
        JsonNode second = api.get("/api/auth/users?page=1&size=2&email=" + marker, admin).json();
        assertThat(second.path("items").get(0).path("id").asString()).isEqualTo(ids.get(2));
        assertThat(api.get("/api/auth/users?role=viewer&email=" + marker, admin).json().path("total_items").asLong())
                .isZero();
        assertProblem(api.get("/api/auth/users?size=101", admin), 422, "/problems/validation-error");
        assertProblem(api.get("/api/auth/users?role=root", admin), 422, "/problems/validation-error");

        assertThat(api.get("/api/auth/users/" + ids.get(0), admin).text("email")).isEqualTo(marker + "-0@example.com");
        assertProblem(api.get("/api/auth/users/" + UUID.randomUUID(), admin), 404, "/problems/not-found");

        Api.Response changed = api.call("PATCH", "/api/auth/users/" + ids.get(1), admin,
                Map.of("role", "viewer", "name", "  Renamed  "));
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.text("role")).isEqualTo("viewer");
        assertThat(changed.text("name")).as("kept as written").isEqualTo("  Renamed  ");
        assertProblem(api.call("PATCH", "/api/auth/users/" + ids.get(1), admin, Map.of()), 422,
                "/problems/validation-error");
        assertThat(outboxPayloads("user.role_changed", ids.get(1))).singleElement()
                .satisfies(payload -> {
                    assertThat(payload.path("old_role").asString()).isEqualTo("user");
                    assertThat(payload.path("new_role").asString()).isEqualTo("viewer");
                });

        assertThat(api.call("DELETE", "/api/auth/users/" + ids.get(2), admin, null).status()).isEqualTo(204);
        assertProblem(api.get("/api/auth/users/" + ids.get(2), admin), 404, "/problems/not-found");
        assertThat(outboxPayloads("user.deleted", ids.get(2))).hasSize(1);
    }

    @Test
    void theLastAdminCanNeitherBeDemotedNorDeleted() {
        String admin = adminToken();
        String adminId = api.get("/api/auth/me", admin).text("id");

        assertProblem(api.call("PATCH", "/api/auth/users/" + adminId, admin, Map.of("role", "user")), 409,
                "/problems/conflict");
        // Admins other tests created step down (set up directly), so the bootstrap admin is the only one.
        jdbc.sql("UPDATE users SET role = 'user' WHERE role = 'admin' AND id <> ?").param(UUID.fromString(adminId))
                .update();
        assertProblem(api.call("DELETE", "/api/auth/users/" + adminId, admin, null), 409,
                "/problems/conflict");
        // With a second admin, that one can be demoted by the first (who stays).
        String email = email();
        String secondId = api.call("POST", "/api/auth/register", admin, Map.of("email", email, "name", "Second Admin",
                "password", PASSWORD, "role", "admin")).text("id");
        String secondToken = loginOk(email, PASSWORD).path("access_token").asString();
        assertThat(api.call("PATCH", "/api/auth/users/" + adminId, secondToken, Map.of("name", "Still Admin"))
                .status()).isEqualTo(200);
        assertThat(api.call("PATCH", "/api/auth/users/" + secondId, admin, Map.of("role", "user")).status())
                .isEqualTo(200);
        assertThat(api.get("/api/auth/me", admin).text("role")).isEqualTo("admin");
        // The demoted admin's access token still says admin, but administration asks the database.
        assertProblem(api.get("/api/auth/users", secondToken), 403, "/problems/forbidden");
        assertProblem(api.call("POST", "/api/auth/register", secondToken, Map.of("email", email(), "name", "Sneaky",
                "password", PASSWORD, "role", "admin")), 403, "/problems/forbidden");
    }

    // --- bootstrap admin ---

    @Test
    void theBootstrapAdminExistsOnceAndStartingAgainChangesNothing() throws Exception {
        String sql = "SELECT COUNT(*) FROM users WHERE email = ? AND role = 'admin'";
        assertThat(jdbc.sql(sql).param(ADMIN_EMAIL).query(Long.class).single()).isEqualTo(1L);
        for (ApplicationRunner runner : context.getBeansOfType(ApplicationRunner.class).values()) {
            if (runner.getClass().getSimpleName().startsWith("BootstrapAdmin")) {
                runner.run(new DefaultApplicationArguments());
            }
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM users WHERE email = ?").param(ADMIN_EMAIL).query(Long.class).single())
                .isEqualTo(1L);
    }

    // --- throttling ---

    @Test
    void failedLoginsAreThrottledPerAccountWithRetryAfter() {
        String email = registerOk(email()).path("email").asString();
        for (int i = 0; i < 5; i++) {
            assertThat(login(email, "wrong-password-" + i).status()).isEqualTo(401);
        }
        Api.Response throttled = login(email, PASSWORD); // even the right password, until the window ends
        assertProblem(throttled, 429, "/problems/rate-limited");
        long retryAfter = Long.parseLong(throttled.raw().headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 900L);
        // Another account from the same address still signs in (the per-address limit is higher).
        String other = registerOk(email()).path("email").asString();
        assertThat(login(other, PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void failedLoginsAreThrottledPerClientAddress() {
        for (int i = 0; i < 8; i++) {
            assertThat(login(email(), "wrong-password").status()).isEqualTo(401);
        }
        assertProblem(login(email(), "wrong-password"), 429, "/problems/rate-limited");
    }

    @Test
    void aSuccessfulLoginClearsTheAccountsFailures() {
        String email = registerOk(email()).path("email").asString();
        for (int round = 0; round < 2; round++) { // 3 failures, success, 3 more: never 5 in a row

            for (int i = 0; i < 3; i++) { // 2 x (3 + 1) requests: below the per-address limit of 8 failures
                assertThat(login(email, "wrong-password").status()).isEqualTo(401);
            }
            assertThat(login(email, PASSWORD).status()).isEqualTo(200);
        }
    }

    // --- outbox ---

    @Test
    void registrationIsPublishedToPlatformEventsWithTheContractsPayload() throws Exception {
        JsonNode user = registerOk(email());
        String id = user.path("id").asString();
        List<JsonNode> payloads = outboxPayloads("user.registered", id);
        assertThat(payloads).hasSize(1);
        assertMatchesSchema("user.registered", payloads.get(0));

        UUID eventId = jdbc.sql("SELECT id FROM outbox WHERE subject = ? AND event_type = 'user.registered'")
                .param(id).query(UUID.class).single();
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql("SELECT published_at FROM outbox WHERE id = ?")
                .param(eventId).query((row, n) -> row.getObject(1)).optional().filter(java.util.Objects::nonNull).isPresent());
        JsonNode published = findEvent(eventId.toString());
        assertThat(published.path("type").asString()).isEqualTo("user.registered");
        assertThat(published.path("source").asString()).isEqualTo("/auth-service");
        assertThat(published.path("subject").asString()).isEqualTo(id);
        assertThat(published.path("data")).isEqualTo(payloads.get(0));
    }

    @Test
    void theRelayedEventGoesOnWithTheTraceOfTheRequestThatRegisteredTheUser() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        Api.Response response = api.post("/api/auth/register", Map.of("email", email(), "name", "Traced User",
                "password", PASSWORD), "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01");
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        String id = response.json().path("id").asString();

        Map<String, Object> row = jdbc.sql("SELECT id, traceparent, tracestate FROM outbox WHERE subject = ? "
                + "AND event_type = 'user.registered'").param(id).query().singleRow();
        String stored = (String) row.get("traceparent");
        assertThat(stored).as("the context of the transaction that wrote the row: a span of this service")
                .matches("00-" + traceId + "-[0-9a-f]{16}-01").doesNotContain("00f067aa0ba902b7");
        String eventId = row.get("id").toString();
        await().atMost(Duration.ofSeconds(20)).until(() -> findEventIfAny(eventId) != null);
        String published = findEventIfAny(eventId).path("traceparent").asString();
        assertThat(published).as("the relay's PRODUCER span, a child of the stored context")
                .matches("00-" + traceId + "-[0-9a-f]{16}-01").isNotEqualTo(stored);
    }

    @Test
    void aRowWithoutTraceContextIsPublishedAsANewTrace() {
        UUID eventId = UUID.randomUUID();
        String subject = UUID.randomUUID().toString();
        jdbc.sql("INSERT INTO outbox (id, event_type, subject, payload, created_at) VALUES (?, ?, ?, ?, ?)")
                .params(eventId, "user.deleted", subject, "{\"user_id\":\"" + subject + "\",\"deleted_by\":\""
                                + subject + "\",\"deleted_at\":\"2026-11-24T17:41:00Z\"}",
                        java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC))
                .update();

        await().atMost(Duration.ofSeconds(20)).until(() -> findEventIfAny(eventId.toString()) != null);
        assertThat(findEventIfAny(eventId.toString()).path("traceparent").asString())
                .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    }

    @Test
    void anEventThatBreaksItsContractRollsTheChangeBackWithIt() {
        UUID id = UUID.randomUUID();
        UserDeleted broken = new UserDeleted();
        broken.setUserId(id);
        broken.setDeletedAt(Instant.now()); // deleted_by missing

        TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
        assertThatThrownBy(() -> transaction.executeWithoutResult(status -> {
            jdbc.sql("INSERT INTO outbox (id, event_type, subject, payload, created_at) VALUES (?, ?, ?, ?, ?)")
                    .params(UUID.randomUUID(), "user.deleted", id.toString(), "{}",
                            java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC))
                    .update();
            context.getBean(Outbox.class).add(broken, id.toString(), Instant.now());
        })).isInstanceOf(ContractViolationException.class).hasMessageContaining("/deleted_by: must not be null");

        assertThat(jdbc.sql("SELECT COUNT(*) FROM outbox WHERE subject = ?").param(id.toString())
                .query(Long.class).single()).as("the change written before it is rolled back too").isZero();
    }

    @Test
    void aPublishedRowIsDeletedAfterTheRetentionAndAnUnpublishedOneNever() {
        OutboxRelay relay = context.getBean(OutboxRelay.class);
        java.time.OffsetDateTime now = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC);
        UUID old = outboxRow(now.minusDays(3), now.minusHours(25));
        UUID recent = outboxRow(now.minusHours(2), now.minusHours(1));

        assertThat(relay.purge(now.toInstant())).isGreaterThanOrEqualTo(1);
        assertThat(outboxRowExists(old)).as("published 25 h ago, retention 24 h").isFalse();
        assertThat(outboxRowExists(recent)).as("published 1 h ago").isTrue();

        // One not yet published, in a transaction the relay cannot see (it would publish it), purged as if years
        // had gone by: still there.
        TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
        transaction.executeWithoutResult(status -> {
            UUID unpublished = outboxRow(now.minusDays(400), null);
            relay.purge(now.plusDays(3650).toInstant());
            assertThat(outboxRowExists(unpublished)).isTrue();
            assertThat(outboxRowExists(recent)).as("the purge in ten years' time takes what was published").isFalse();
            status.setRollbackOnly();
        });
        assertThat(outboxRowExists(recent)).as("rolled back with the test's transaction").isTrue();
    }

    private UUID outboxRow(java.time.OffsetDateTime createdAt, java.time.OffsetDateTime publishedAt) {
        UUID id = UUID.randomUUID();
        String subject = UUID.randomUUID().toString();
        jdbc.sql("INSERT INTO outbox (id, event_type, subject, payload, created_at, published_at) VALUES (?, ?, ?, ?, ?, ?)")
                .params(id, "user.deleted", subject, "{\"user_id\":\"" + subject + "\",\"deleted_by\":\"" + subject
                        + "\",\"deleted_at\":\"2026-11-24T17:41:00Z\"}", createdAt, publishedAt)
                .update();
        return id;
    }

    private boolean outboxRowExists(UUID id) {
        return jdbc.sql("SELECT COUNT(*) FROM outbox WHERE id = ?").param(id).query(Long.class).single() == 1;
    }

    List<JsonNode> outboxPayloads(String type, String subject) {
        return jdbc.sql("SELECT payload FROM outbox WHERE event_type = ? AND subject = ? ORDER BY created_at")
                .params(type, subject).query(String.class).list().stream().map(JSON::readTree).toList();
    }

    private JsonNode findEvent(String eventId) {
        JsonNode event = findEventIfAny(eventId);
        assertThat(event).as("event " + eventId + " on " + Streams.PLATFORM_EVENTS).isNotNull();
        return event;
    }

    private JsonNode findEventIfAny(String eventId) {
        var entries = redisson.<String, String>getStream(Streams.PLATFORM_EVENTS, StringCodec.INSTANCE)
                .range(StreamMessageId.MIN, StreamMessageId.MAX);
        return entries.values().stream()
                .map(fields -> JSON.readTree(fields.get("cloudevent")))
                .filter(event -> event.path("id").asString().equals(eventId))
                .findFirst().orElse(null);
    }

    /** The payload has exactly the members contracts/events/schemas/{type}.schema.json allows, the required ones. */
    static void assertMatchesSchema(String type, JsonNode payload) throws Exception {
        JsonNode schema = JSON.readTree(Files.readString(EVENT_SCHEMAS.resolve(type + ".schema.json")));
        Set<String> members = new HashSet<>(payload.propertyNames());
        assertThat(schema.path("properties").propertyNames()).containsAll(members);
        for (JsonNode required : schema.path("required")) {
            assertThat(members).contains(required.asString());
        }
        for (String member : members) {
            JsonNode property = schema.path("properties").path(member);
            if (property.has("pattern")) {
                assertThat(payload.path(member).asString()).as(member).matches(property.path("pattern").asString());
            }
        }
    }
}
