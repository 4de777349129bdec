package dev.polyglot.auth.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link AuthApiContract} on the embedded database (H2 file in PostgreSQL mode, a fresh PLATFORM_DATA_DIR). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuthApiH2Test extends AuthApiContract {

    @DynamicPropertySource
    static void embeddedDatabase(DynamicPropertyRegistry registry) throws IOException {
        Path dataDir = Files.createTempDirectory("auth-api-h2");
        registry.add("AUTH_DATABASE_URL", () -> "");
        registry.add("PLATFORM_DATA_DIR", dataDir::toString);
        commonProperties(registry);
    }
}
