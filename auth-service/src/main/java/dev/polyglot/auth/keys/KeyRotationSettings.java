package dev.polyglot.auth.keys;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.Environment;

/**
 * How signing keys rotate, from the platform's variables (.env.example); an empty variable means its default.
 *
 * @param rotationInterval AUTH_KEY_ROTATION_INTERVAL: a new key signs once the current one is this old;
 *                         null (the default) = no automatic rotation, only {@link SigningKeys#rotate()}
 * @param retention        how long a retired key stays published: ACCESS_TOKEN_TTL (default 15 min) + 60 s of
 *                         clock skew, so every token it signed has expired everywhere before it leaves the JWKS
 */
record KeyRotationSettings(@Nullable Duration rotationInterval, Duration retention) {

    static final Duration DEFAULT_ACCESS_TOKEN_TTL = Duration.ofMinutes(15);
    static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    static KeyRotationSettings from(Environment environment) {
        Duration interval = duration(environment, "AUTH_KEY_ROTATION_INTERVAL");
        Duration accessTokenTtl = duration(environment, "ACCESS_TOKEN_TTL");
        if (interval != null && (interval.isNegative() || interval.isZero())) {
            throw new IllegalStateException("AUTH_KEY_ROTATION_INTERVAL must be positive, not " + interval);
        }
        return new KeyRotationSettings(interval,
                (accessTokenTtl != null ? accessTokenTtl : DEFAULT_ACCESS_TOKEN_TTL).plus(CLOCK_SKEW));
    }

    /** "900s", "15m", "30d" or ISO-8601 "PT15M"; a bare number is seconds. */
    private static @Nullable Duration duration(Environment environment, String name) {
        String value = environment.getProperty(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return DurationStyle.detectAndParse(value.strip(), java.time.temporal.ChronoUnit.SECONDS);
        } catch (IllegalArgumentException invalid) {
            throw new IllegalStateException(name + " must be a duration such as 900s, 15m or 30d, not '" + value + "'");
        }
    }
}
