package dev.polyglot.auth.users;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code users} table. Emails are given already normalised. */
@Repository
public class UserRepository {

    private static final String COLUMNS = "id, email, name, password_hash, role, created_at, updated_at";

    private final JdbcClient jdbc;

    UserRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** @throws org.springframework.dao.DuplicateKeyException when the email is taken */
    void insert(User user) {
        jdbc.sql("INSERT INTO users (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(user.id(), user.email(), user.name(), user.passwordHash(), user.role().name(),
                        utc(user.createdAt()), utc(user.updatedAt()))
                .update();
    }

    public Optional<User> findByEmail(String email) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE email = ?").param(email).query(UserRepository::map)
                .optional();
    }

    public Optional<User> findById(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE id = ?").param(id).query(UserRepository::map)
                .optional();
    }

    /**
     * Locks every admin row until the transaction ends and counts them: two admins demoting or deleting each
     * other at once are serialised, so the last admin stays.
     */
    long lockAdminsAndCount() {
        return jdbc.sql("SELECT id FROM users WHERE role = 'admin' FOR UPDATE").query(UUID.class).list().size();
    }

    List<User> page(@Nullable String emailContains, @Nullable Role role, int offset, int limit) {
        Filter filter = Filter.of(emailContains, role);
        return jdbc.sql("SELECT " + COLUMNS + " FROM users" + filter.where
                        + " ORDER BY created_at, id LIMIT " + limit + " OFFSET " + offset)
                .params(filter.params)
                .query(UserRepository::map)
                .list();
    }

    long count(@Nullable String emailContains, @Nullable Role role) {
        Filter filter = Filter.of(emailContains, role);
        return jdbc.sql("SELECT COUNT(*) FROM users" + filter.where).params(filter.params).query(Long.class).single();
    }

    void update(UUID id, String name, Role role, Instant updatedAt) {
        jdbc.sql("UPDATE users SET name = ?, role = ?, updated_at = ? WHERE id = ?")
                .params(name, role.name(), utc(updatedAt), id)
                .update();
    }

    void delete(UUID id) {
        jdbc.sql("DELETE FROM users WHERE id = ?").param(id).update();
    }

    private record Filter(String where, List<Object> params) {

        static Filter of(@Nullable String emailContains, @Nullable Role role) {
            StringBuilder where = new StringBuilder();
            List<Object> params = new java.util.ArrayList<>();
            if (emailContains != null) {
                // Stored emails are lower case; the filter text is a literal, not a pattern.
                where.append(" WHERE email LIKE ? ESCAPE '\\'");
                params.add("%" + emailContains.toLowerCase(java.util.Locale.ROOT)
                        .replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            }
            if (role != null) {
                where.append(where.isEmpty() ? " WHERE" : " AND").append(" role = ?");
                params.add(role.name());
            }
            return new Filter(where.toString(), params);
        }
    }

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC); // PgJDBC binds OffsetDateTime, not Instant
    }

    private static User map(ResultSet row, int rowNumber) throws SQLException {
        return new User(row.getObject("id", UUID.class), row.getString("email"), row.getString("name"),
                row.getString("password_hash"), Role.valueOf(row.getString("role")),
                row.getObject("created_at", OffsetDateTime.class).toInstant(),
                row.getObject("updated_at", OffsetDateTime.class).toInstant());
    }
}
