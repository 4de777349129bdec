package dev.polyglot.auth.keys;

import com.nimbusds.jose.jwk.RSAKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The {@code signing_keys} table. */
@Repository
class SigningKeyRepository {

    /** A stored key: when it was made and, once a newer key signs, when it stopped signing. */
    record StoredKey(RSAKey key, Instant createdAt, @Nullable Instant retiredAt) {
    }

    private final JdbcClient jdbc;

    SigningKeyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Every stored key pair, oldest first. */
    List<RSAKey> findAll() {
        return findAllStored().stream().map(StoredKey::key).toList();
    }

    /** Every stored key with its dates, oldest first. */
    List<StoredKey> findAllStored() {
        return jdbc.sql("SELECT private_jwk, created_at, retired_at FROM signing_keys ORDER BY created_at, kid")
                .query((row, rowNumber) -> new StoredKey(parse(row.getString("private_jwk")),
                        instant(row, "created_at"), instant(row, "retired_at")))
                .list();
    }

    void insert(RSAKey key, Instant createdAt) {
        jdbc.sql("INSERT INTO signing_keys (kid, algorithm, private_jwk, created_at) VALUES (?, ?, ?, ?)")
                .params(key.getKeyID(), key.getAlgorithm().getName(), key.toJSONString(), at(createdAt))
                .update();
    }

    /**
     * Stores the key of a first start, unless another instance starting beside this one stored its own first (the
     * unique {@code first_key}): false then, and the table holds that instance's key only.
     */
    boolean insertFirst(RSAKey key, Instant createdAt) {
        try {
            jdbc.sql("INSERT INTO signing_keys (kid, algorithm, private_jwk, created_at, first_key) VALUES (?, ?, ?, ?, TRUE)")
                    .params(key.getKeyID(), key.getAlgorithm().getName(), key.toJSONString(), at(createdAt))
                    .update();
            return true;
        } catch (DuplicateKeyException anotherInstanceWasFirst) {
            return false;
        }
    }

    /** Stores {@code key} as the one that signs from now on, and retires every other key still signing. */
    @Transactional
    void insertAndRetireOthers(RSAKey key, Instant now) {
        insert(key, now);
        jdbc.sql("UPDATE signing_keys SET retired_at = ? WHERE retired_at IS NULL AND kid <> ?")
                .params(at(now), key.getKeyID())
                .update();
    }

    /** Deletes the keys retired before {@code cutoff}: no unexpired token can carry their signature. */
    int deleteRetiredBefore(Instant cutoff) {
        return jdbc.sql("DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at < ?")
                .params(at(cutoff))
                .update();
    }

    private static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC); // PgJDBC binds OffsetDateTime, not Instant
    }

    private static @Nullable Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static RSAKey parse(String jwk) {
        try {
            return RSAKey.parse(jwk);
        } catch (ParseException e) {
            throw new IllegalStateException("A row of signing_keys holds no valid RSA JWK", e);
        }
    }
}
