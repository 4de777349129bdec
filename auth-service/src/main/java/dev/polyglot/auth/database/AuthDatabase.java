package dev.polyglot.auth.database;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * Where auth-service keeps its data, from the platform's environment: AUTH_DATABASE_URL when set (a
 * {@code postgresql://user:password@host:port/db} URL as PostgreSQL tools and the Python services use
 * it, or a {@code jdbc:} URL), else an embedded H2 file under PLATFORM_DATA_DIR.
 *
 * <p>Being Boot's {@link JdbcConnectionDetails}, it feeds the DataSource, Flyway and the {@code db}
 * health indicator alike.
 */
public final class AuthDatabase implements JdbcConnectionDetails {

    // PostgreSQL compatibility, so that one set of migrations runs on both databases.
    private static final String H2_OPTIONS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";

    private final String jdbcUrl;
    private final @Nullable String username;
    private final @Nullable String password;

    private AuthDatabase(String jdbcUrl, @Nullable String username, @Nullable String password) {
        this.jdbcUrl = jdbcUrl;
        this.username = username;
        this.password = password;
    }

    /**
     * @param databaseUrl AUTH_DATABASE_URL, empty for the embedded database
     * @param dataDir     PLATFORM_DATA_DIR, where the embedded database lives
     */
    public static AuthDatabase from(String databaseUrl, Path dataDir) {
        if (databaseUrl.isBlank()) {
            return new AuthDatabase("jdbc:h2:file:" + dataDir.resolve("auth/authdb").toAbsolutePath() + H2_OPTIONS,
                    "sa", "");
        }
        if (databaseUrl.startsWith("jdbc:")) {
            return new AuthDatabase(databaseUrl, null, null);
        }
        if (databaseUrl.startsWith("postgresql://") || databaseUrl.startsWith("postgres://")) {
            return fromPostgresqlUrl(databaseUrl);
        }
        throw new IllegalArgumentException(
                "AUTH_DATABASE_URL must be a postgresql://user:password@host:port/db or a jdbc: URL");
    }

    private static AuthDatabase fromPostgresqlUrl(String databaseUrl) {
        URI url;
        try {
            url = new URI(databaseUrl);
        } catch (URISyntaxException e) {
            // The message would quote the URL, password included: say where, not what.
            throw new IllegalArgumentException("AUTH_DATABASE_URL is not a valid URL (percent-encode special "
                    + "characters of the password) at index " + e.getIndex());
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("AUTH_DATABASE_URL has no host");
        }
        String jdbcUrl = "jdbc:postgresql://" + url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort())
                + url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        String userInfo = url.getRawUserInfo();
        if (userInfo == null) {
            return new AuthDatabase(jdbcUrl, null, null);
        }
        int colon = userInfo.indexOf(':');
        return colon == -1
                ? new AuthDatabase(jdbcUrl, decode(userInfo), null)
                : new AuthDatabase(jdbcUrl, decode(userInfo.substring(0, colon)), decode(userInfo.substring(colon + 1)));
    }

    private static String decode(String urlPart) {
        return URLDecoder.decode(urlPart.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public String getJdbcUrl() {
        return jdbcUrl;
    }

    @Override
    public @Nullable String getUsername() {
        return username;
    }

    @Override
    public @Nullable String getPassword() {
        return password;
    }

    /** The JDBC URL without credentials a jdbc: URL may carry, safe to log. */
    @Override
    public String toString() {
        int query = jdbcUrl.indexOf('?');
        return query == -1 ? jdbcUrl : jdbcUrl.substring(0, query);
    }
}
