package dev.polyglot.auth.tokens;

import java.time.Duration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.stereotype.Component;

/** The token rules every service shares (/work SPEC: AUTH_ISSUER, AUTH_AUDIENCE, ACCESS_TOKEN_TTL, REFRESH_TOKEN_TTL). */
@Component
public class TokenSettings {

    private final String issuer;
    private final String audience;
    private final Duration accessTokenTtl;
    private final Duration refreshTokenTtl;

    @Autowired
    // An empty variable means the default, as everywhere on the platform (compose passes ${VAR:-}).
    TokenSettings(@Value("${AUTH_ISSUER:}") String issuer,
                  @Value("${AUTH_AUDIENCE:}") String audience,
                  @Value("${ACCESS_TOKEN_TTL:}") String accessTokenTtl,
                  @Value("${REFRESH_TOKEN_TTL:}") String refreshTokenTtl) {
        this(orDefault(issuer, "polyglot-auth"), orDefault(audience, "polyglot-platform"),
                DurationStyle.detectAndParse(orDefault(accessTokenTtl, "15m")),
                DurationStyle.detectAndParse(orDefault(refreshTokenTtl, "7d")));
    }

    public TokenSettings(String issuer, String audience, Duration accessTokenTtl, Duration refreshTokenTtl) {
        if (accessTokenTtl.toSeconds() < 1 || refreshTokenTtl.toSeconds() < 1) {
            throw new IllegalArgumentException("ACCESS_TOKEN_TTL and REFRESH_TOKEN_TTL must be at least 1 second");
        }
        this.issuer = issuer;
        this.audience = audience;
        this.accessTokenTtl = accessTokenTtl;
        this.refreshTokenTtl = refreshTokenTtl;
    }

    private static String orDefault(String value, String fallback) {
        return value.isBlank() ? fallback : value.strip();
    }

    public String issuer() {
        return issuer;
    }

    public String audience() {
        return audience;
    }

    public Duration accessTokenTtl() {
        return accessTokenTtl;
    }

    public Duration refreshTokenTtl() {
        return refreshTokenTtl;
    }
}
