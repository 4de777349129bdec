package dev.polyglot.auth.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.polyglot.auth.AuthServiceApplication;
import dev.polyglot.auth.database.AuthDatabase;
import dev.polyglot.servicekit.testing.RequiredEnvironment;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.env.MockEnvironment;

/**
 * Key rotation on both supported databases: a new key signs, the old one stays published until its tokens have
 * expired (ACCESS_TOKEN_TTL + 60 s), then leaves the JWKS and the database; keys and their state survive restarts.
 */
class SigningKeyRotationTest {

    private static final Duration TTL = Duration.ofMinutes(15);
    private static final Duration RETENTION = TTL.plus(Duration.ofSeconds(60));

    @Test
    void onTheEmbeddedDatabase(@TempDir Path dataDir) {
        assertRotation("--AUTH_DATABASE_URL=", "--PLATFORM_DATA_DIR=" + dataDir);
    }

    @Test
    void onPostgresql() throws SQLException {
        String postgresUrl = RequiredEnvironment.get("TEST_POSTGRES_URL");
        String schema = "auth_test_" + UUID.randomUUID().toString().replace("-", "");
        String databaseUrl = postgresUrl + (postgresUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        try {
            assertRotation("--AUTH_DATABASE_URL=" + databaseUrl, "--spring.flyway.schemas=" + schema);
        } finally {
            AuthDatabase database = AuthDatabase.from(postgresUrl, Path.of("unused"));
            try (Connection connection = DriverManager.getConnection(
                    database.getJdbcUrl(), database.getUsername(), database.getPassword())) {
                connection.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    @Test
    void aScheduledRotationHappensOnceTheKeyIsAsOldAsTheInterval(@TempDir Path dataDir) throws InterruptedException {
        try (ConfigurableApplicationContext context = start("--AUTH_DATABASE_URL=", "--PLATFORM_DATA_DIR=" + dataDir,
                "--AUTH_KEY_ROTATION_INTERVAL=1s")) {
            SigningKeys keys = context.getBean(SigningKeys.class);
            String first = keys.current().getKeyID();
            Instant deadline = Instant.now().plusSeconds(15);
            while (keys.current().getKeyID().equals(first) && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
            }
            assertThat(keys.current().getKeyID()).isNotEqualTo(first);
            assertThat(kids(keys.publicJwkSet())).contains(first, keys.current().getKeyID());
        }
    }

    @Test
    void withoutAnIntervalNothingRotatesByItself(@TempDir Path dataDir) {
        try (ConfigurableApplicationContext context = start("--AUTH_DATABASE_URL=", "--PLATFORM_DATA_DIR=" + dataDir)) {
            assertThat(context.getBean(KeyRotation.class).isRunning()).isFalse();
            assertThat(context.getBean(SigningKeys.class).settings().rotationInterval()).isNull();
        }
    }

    @Test
    void settingsComeFromThePlatformVariables() {
        assertThat(KeyRotationSettings.from(new MockEnvironment()))
                .isEqualTo(new KeyRotationSettings(null, RETENTION));
        assertThat(KeyRotationSettings.from(new MockEnvironment()
                .withProperty("AUTH_KEY_ROTATION_INTERVAL", "")
                .withProperty("ACCESS_TOKEN_TTL", "")))
                .isEqualTo(new KeyRotationSettings(null, RETENTION));
        assertThat(KeyRotationSettings.from(new MockEnvironment()
                .withProperty("AUTH_KEY_ROTATION_INTERVAL", "30d")
                .withProperty("ACCESS_TOKEN_TTL", "900s")))
                .isEqualTo(new KeyRotationSettings(Duration.ofDays(30), Duration.ofSeconds(960)));
        assertThatIllegalStateException().isThrownBy(() -> KeyRotationSettings.from(new MockEnvironment()
                .withProperty("AUTH_KEY_ROTATION_INTERVAL", "soon"))).withMessageContaining("AUTH_KEY_ROTATION_INTERVAL");
        assertThatIllegalStateException().isThrownBy(() -> KeyRotationSettings.from(new MockEnvironment()
                .withProperty("AUTH_KEY_ROTATION_INTERVAL", "0s")));
    }

    private static void assertRotation(String... databaseArguments) {
        MutableClock clock;
        String oldKid;
        String newKid;
        String oldToken;
        try (ConfigurableApplicationContext first = start(databaseArguments)) {
            assertThat(versions(first)).contains("1", "20");
            clock = new MutableClock(); // from now: after the first key was made
            SigningKeys keys = keysAt(first, clock);
            RSAKey old = keys.current();
            oldKid = old.getKeyID();
            oldToken = sign(old);

            RSAKey rotated = keys.rotate();
            newKid = rotated.getKeyID();
            assertThat(newKid).isNotEqualTo(oldKid);
            assertThat(keys.current().getKeyID()).isEqualTo(newKid);
            assertThat(kids(keys.publicJwkSet())).containsExactlyInAnyOrder(oldKid, newKid);
            assertThat(keys.publicJwkSet().getKeys()).allSatisfy(key -> assertThat(key.isPrivate()).isFalse());
            assertThat(verifies(keys.publicJwkSet(), oldToken)).isTrue(); // tokens signed before still verify
            assertThat(verifies(keys.publicJwkSet(), sign(keys.current()))).isTrue();
        }

        // A restart within the retention: the new key still signs, both are published.
        try (ConfigurableApplicationContext second = start(databaseArguments)) {
            SigningKeys keys = keysAt(second, clock);
            assertThat(keys.current().getKeyID()).isEqualTo(newKid);
            assertThat(kids(keys.publicJwkSet())).containsExactlyInAnyOrder(oldKid, newKid);

            clock.advance(RETENTION.minusSeconds(1));
            keys = keysAt(second, clock);
            assertThat(kids(keys.publicJwkSet())).containsExactlyInAnyOrder(oldKid, newKid);

            clock.advance(Duration.ofSeconds(2)); // every token the old key signed has now expired
            assertThat(kids(keys.publicJwkSet())).containsExactly(newKid);
            assertThat(verifies(keys.publicJwkSet(), oldToken)).isFalse();
            keys = keysAt(second, clock); // a reload deletes the retired key pair from the database
            assertThat(second.getBean(JdbcClient.class).sql("SELECT kid FROM signing_keys").query(String.class).list())
                    .containsExactly(newKid);
        }

        // And after one more restart only the new key is left, still signing.
        try (ConfigurableApplicationContext third = start(databaseArguments)) {
            SigningKeys keys = third.getBean(SigningKeys.class);
            assertThat(keys.current().getKeyID()).isEqualTo(newKid);
            assertThat(kids(keys.publicJwkSet())).containsExactly(newKid);
        }
    }

    /** A SigningKeys on the application's table, with a clock the test moves. */
    private static SigningKeys keysAt(ConfigurableApplicationContext context, Clock clock) {
        return new SigningKeys(context.getBean(SigningKeyRepository.class), new KeyRotationSettings(null, RETENTION),
                clock);
    }

    private static List<String> versions(ConfigurableApplicationContext context) {
        return context.getBean(JdbcClient.class).sql("SELECT version FROM flyway_schema_history WHERE success")
                .query(String.class).list();
    }

    private static List<String> kids(JWKSet set) {
        return set.getKeys().stream().map(JWK::getKeyID).toList();
    }

    private static String sign(RSAKey key) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                    new JWTClaimsSet.Builder().subject(UUID.randomUUID().toString()).build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (Exception failed) {
            throw new IllegalStateException(failed);
        }
    }

    private static boolean verifies(JWKSet published, String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWK key = published.getKeyByKeyId(jwt.getHeader().getKeyID());
            return key != null && jwt.verify(new RSASSAVerifier(key.toRSAKey()));
        } catch (Exception failed) {
            throw new IllegalStateException(failed);
        }
    }

    private static ConfigurableApplicationContext start(String... arguments) {
        // Command-line arguments outrank environment variables, so an AUTH_DATABASE_URL of the caller cannot leak in.
        return new SpringApplicationBuilder(AuthServiceApplication.class)
                .web(WebApplicationType.NONE)
                .run(arguments);
    }

    private static final class MutableClock extends Clock {

        private Instant now = Instant.now();

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
