package dev.polyglot.auth.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AuthDatabaseTest {

    private static final Path DATA_DIR = Path.of("/srv/platform");

    @Test
    void aPostgresqlUrlBecomesJdbcUrlAndDecodedCredentials() {
        AuthDatabase database = AuthDatabase.from(
                "postgresql://platform:s3cr%40t%3Ax+y@db.internal:5433/auth?sslmode=require", DATA_DIR);

        assertThat(database.getJdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5433/auth?sslmode=require");
        assertThat(database.getUsername()).isEqualTo("platform");
        assertThat(database.getPassword()).isEqualTo("s3cr@t:x+y");
        assertThat(database.getDriverClassName()).isEqualTo("org.postgresql.Driver");
        assertThat(database.toString()).doesNotContain("s3cr");
    }

    @Test
    void thePostgresSchemeAndTheDefaultPortAreAccepted() {
        AuthDatabase database = AuthDatabase.from("postgres://app@localhost/auth", DATA_DIR);

        assertThat(database.getJdbcUrl()).isEqualTo("jdbc:postgresql://localhost/auth");
        assertThat(database.getUsername()).isEqualTo("app");
        assertThat(database.getPassword()).isNull();
    }

    @Test
    void aJdbcUrlIsUsedAsItIs() {
        AuthDatabase database = AuthDatabase.from("jdbc:postgresql://db/auth?user=app&password=secret", DATA_DIR);

        assertThat(database.getJdbcUrl()).isEqualTo("jdbc:postgresql://db/auth?user=app&password=secret");
        assertThat(database.toString()).isEqualTo("jdbc:postgresql://db/auth");
    }

    @Test
    void withoutAUrlTheEmbeddedDatabaseLivesUnderTheDataDirectory() {
        AuthDatabase database = AuthDatabase.from("", DATA_DIR);

        assertThat(database.getJdbcUrl()).startsWith("jdbc:h2:file:/srv/platform/auth/authdb;MODE=PostgreSQL");
        assertThat(database.getDriverClassName()).isEqualTo("org.h2.Driver");
    }

    @Test
    void anyOtherUrlIsRejectedWithoutEchoingIt() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> AuthDatabase.from("mysql://root:hunter2@db/auth", DATA_DIR))
                .withMessageNotContaining("hunter2");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> AuthDatabase.from("postgresql://root:hun ter2@db/auth", DATA_DIR))
                .withMessageNotContaining("hun ter2");
    }
}
