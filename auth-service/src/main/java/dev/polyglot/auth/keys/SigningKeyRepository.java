package dev.polyglot.auth.keys;

import com.nimbusds.jose.jwk.RSAKey;
import java.text.ParseException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code signing_keys} table. */
@Repository
class SigningKeyRepository {

    private final JdbcClient jdbc;

    SigningKeyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Every stored key, oldest first. */
    List<RSAKey> findAll() {
        return jdbc.sql("SELECT private_jwk FROM signing_keys ORDER BY created_at, kid")
                .query((row, rowNumber) -> parse(row.getString("private_jwk")))
                .list();
    }

    void insert(RSAKey key, Instant createdAt) {
        jdbc.sql("INSERT INTO signing_keys (kid, algorithm, private_jwk, created_at) VALUES (?, ?, ?, ?)")
                .params(key.getKeyID(), key.getAlgorithm().getName(), key.toJSONString(),
                        OffsetDateTime.ofInstant(createdAt, ZoneOffset.UTC)) // PgJDBC binds OffsetDateTime, not Instant
                .update();
    }

    private static RSAKey parse(String jwk) {
        try {
            return RSAKey.parse(jwk);
        } catch (ParseException e) {
            throw new IllegalStateException("A row of signing_keys holds no valid RSA JWK", e);
        }
    }
}
