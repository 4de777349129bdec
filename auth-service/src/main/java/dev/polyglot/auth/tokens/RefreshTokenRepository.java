package dev.polyglot.auth.tokens;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code refresh_tokens} table: hashes only. */
@Repository
class RefreshTokenRepository {

    record StoredToken(String hash, UUID familyId, UUID userId, Instant expiresAt, boolean used, boolean revoked) {
    }

    private final JdbcClient jdbc;

    RefreshTokenRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(String hash, UUID familyId, UUID userId, Instant createdAt, Instant expiresAt) {
        jdbc.sql("INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")
                .params(hash, familyId, userId, utc(createdAt), utc(expiresAt))
                .update();
    }

    /** The token's row, locked until the transaction ends: two refreshes with one token are serialised. */
    Optional<StoredToken> findForUpdate(String hash) {
        return jdbc.sql("SELECT token_hash, family_id, user_id, expires_at, used_at, revoked_at FROM refresh_tokens "
                        + "WHERE token_hash = ? FOR UPDATE")
                .param(hash)
                .query(RefreshTokenRepository::map)
                .optional();
    }

    void markUsed(String hash, Instant at) {
        jdbc.sql("UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ?").params(utc(at), hash).update();
    }

    int revokeFamily(UUID familyId, Instant at) {
        return jdbc.sql("UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL")
                .params(utc(at), familyId)
                .update();
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static StoredToken map(ResultSet row, int rowNumber) throws SQLException {
        return new StoredToken(row.getString("token_hash"), row.getObject("family_id", UUID.class),
                row.getObject("user_id", UUID.class), row.getObject("expires_at", OffsetDateTime.class).toInstant(),
                row.getObject("used_at") != null, row.getObject("revoked_at") != null);
    }
}
