package dev.polyglot.auth.api;

import dev.polyglot.auth.database.AuthDatabase;
import dev.polyglot.servicekit.testing.RequiredEnvironment;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link AuthApiContract} on PostgreSQL (TEST_POSTGRES_URL), in a schema of its own that is dropped afterwards. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuthApiPostgresTest extends AuthApiContract {

    private static final String SCHEMA = "auth_api_" + UUID.randomUUID().toString().replace("-", "");

    @DynamicPropertySource
    static void postgresql(DynamicPropertyRegistry registry) {
        String postgresUrl = RequiredEnvironment.get("TEST_POSTGRES_URL");
        registry.add("AUTH_DATABASE_URL",
                () -> postgresUrl + (postgresUrl.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA);
        registry.add("spring.flyway.schemas", () -> SCHEMA);
        commonProperties(registry);
    }

    @AfterAll
    static void dropSchema() throws SQLException {
        String postgresUrl = System.getenv("TEST_POSTGRES_URL");
        if (postgresUrl == null || postgresUrl.isBlank()) {
            return;
        }
        AuthDatabase database = AuthDatabase.from(postgresUrl, Path.of("unused"));
        try (Connection connection = DriverManager.getConnection(
                database.getJdbcUrl(), database.getUsername(), database.getPassword())) {
            connection.createStatement().execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }
}
