package dev.polyglot.auth;

import static dev.polyglot.servicekit.testing.TestHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import dev.polyglot.servicekit.testing.JavaServiceContract;
import dev.polyglot.servicekit.testing.LiveOpenApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** auth-service on its default embedded database (H2 file in a fresh PLATFORM_DATA_DIR). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuthServiceApplicationTest extends JavaServiceContract {

    private static final Path DATA_DIR = freshDirectory();

    @Autowired
    private JdbcClient jdbc;

    @DynamicPropertySource
    static void embeddedDatabaseInAFreshDirectory(DynamicPropertyRegistry registry) {
        registry.add("AUTH_DATABASE_URL", () -> "");
        registry.add("PLATFORM_DATA_DIR", DATA_DIR::toString);
    }

    @Test
    void readinessIncludesTheDatabase() {
        HttpResponse<String> response = http.get("/actuator/health/readiness");

        assertThat(json(response).path("components").path("db").path("status").asString()).isEqualTo("UP");
    }

    @Test
    void flywayRanTheMigrations() {
        // Boot 4 silently runs no migration without spring-boot-starter-flyway: check that it really ran.
        assertThat(jdbc.sql("SELECT version FROM flyway_schema_history WHERE success").query(String.class).list())
                .contains("1");
    }

    @Test
    void jwksPublishesThePublicRs256KeyUnderItsThumbprint() throws Exception {
        HttpResponse<String> response = http.get("/api/auth/.well-known/jwks.json");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control").orElse("")).contains("max-age=300");
        JsonNode keys = json(response).path("keys");
        assertThat(keys.size()).isEqualTo(1);
        JsonNode key = keys.get(0);
        assertThat(key.path("kty").asString()).isEqualTo("RSA");
        assertThat(key.path("alg").asString()).isEqualTo("RS256");
        assertThat(key.path("use").asString()).isEqualTo("sig");
        assertThat(key.has("d")).as("private exponent published").isFalse();
        RSAKey published = RSAKey.parse(key.toString());
        assertThat(published.getModulus().decodeToBigInteger().bitLength()).isEqualTo(2048);
        assertThat(key.path("kid").asString()).isEqualTo(published.computeThumbprint().toString());
    }

    @Test
    void springdocServesTheLiveOpenApiDocumentAndSwaggerUi() {
        JsonNode document = LiveOpenApi.assertServes(http, Map.ofEntries(
                Map.entry("GET /api/auth/service-info", "getAuthServiceInfo"),
                Map.entry("GET /api/auth/.well-known/jwks.json", "getJsonWebKeySet"),
                Map.entry("POST /api/auth/register", "registerUser"),
                Map.entry("POST /api/auth/login", "login"),
                Map.entry("POST /api/auth/refresh", "refreshTokens"),
                Map.entry("POST /api/auth/logout", "logout"),
                Map.entry("GET /api/auth/me", "getCurrentUser"),
                Map.entry("GET /api/auth/users", "listUsers"),
                Map.entry("GET /api/auth/users/{id}", "getUser"),
                Map.entry("PATCH /api/auth/users/{id}", "updateUser"),
                Map.entry("DELETE /api/auth/users/{id}", "deleteUser")));
        // The document names fields as they are on the wire (snake_case), as the contract does.
        assertThat(document.path("components").path("schemas").path("ServiceInfo").path("properties").propertyNames())
                .contains("instance_id", "started_at");
        LiveOpenApi.assertErrorsAreProblems(document);
        LiveOpenApi.assertSwaggerUi(http);
    }

    private static Path freshDirectory() {
        try {
            return Files.createTempDirectory("auth-service-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
