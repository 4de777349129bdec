package dev.polyglot.auth.tokens;

import dev.polyglot.auth.problem.AuthProblem;
import dev.polyglot.auth.users.Passwords;
import dev.polyglot.auth.users.User;
import dev.polyglot.auth.users.UserRepository;
import dev.polyglot.auth.users.UserService;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Login, refresh (rotation with reuse detection) and logout.
 *
 * <p>Refresh tokens are 32 random bytes (base64url), stored as their SHA-256. Each is single use: refreshing spends
 * it and issues a new one of the same family (the family is one login). Presenting a spent token again means it was
 * copied, so the whole family is revoked: the thief's and the user's tokens alike, and the user signs in again.
 */
@Service
public class TokenService {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final UserRepository users;
    private final Passwords passwords;
    private final AccessTokens accessTokens;
    private final RefreshTokenRepository refreshTokens;
    private final LoginThrottle throttle;
    private final TokenSettings settings;

    TokenService(UserRepository users, Passwords passwords, AccessTokens accessTokens,
                 RefreshTokenRepository refreshTokens, LoginThrottle throttle, TokenSettings settings) {
        this.users = users;
        this.passwords = passwords;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.throttle = throttle;
        this.settings = settings;
    }

    public record Tokens(String accessToken, String refreshToken, long expiresIn, long refreshExpiresIn) {
    }

    /**
     * @throws AuthProblem 401 (one message whether the email is unknown or the password wrong; same Argon2 cost
     *                     either way), 429 when throttled
     */
    @Transactional
    public Tokens login(String email, String password, String clientIp) {
        String normalised = UserService.normaliseEmail(email);
        throttle.check(normalised, clientIp);
        Optional<User> user = users.findByEmail(normalised);
        if (!passwords.matches(password, user.map(User::passwordHash).orElse(null))) {
            throttle.failed(normalised, clientIp);
            throw AuthProblem.badCredentials();
        }
        throttle.succeeded(normalised);
        return issue(user.get(), UUID.randomUUID());
    }

    /** Spends {@code refreshToken} and returns new tokens; a spent token revokes its family (committed, then 401). */
    @Transactional(noRollbackFor = AuthProblem.class)
    public Tokens refresh(String refreshToken) {
        Instant now = Instant.now();
        RefreshTokenRepository.StoredToken stored = refreshTokens.findForUpdate(hash(refreshToken))
                .orElseThrow(TokenService::unknown);
        if (stored.revoked()) {
            throw unknown();
        }
        if (stored.used()) {
            refreshTokens.revokeFamily(stored.familyId(), now);
            throw AuthProblem.invalidRefreshToken(
                    "This refresh token was already used; every token of its family is revoked. Sign in again.");
        }
        if (!stored.expiresAt().isAfter(now)) {
            throw unknown();
        }
        User user = users.findById(stored.userId()).orElseThrow(TokenService::unknown);
        refreshTokens.markUsed(stored.hash(), now);
        return issue(user, stored.familyId());
    }

    /** Revokes the token's family; an unknown or already revoked token is no error (logging out twice is fine). */
    @Transactional
    public void logout(String refreshToken) {
        refreshTokens.findForUpdate(hash(refreshToken))
                .ifPresent(stored -> refreshTokens.revokeFamily(stored.familyId(), Instant.now()));
    }

    private Tokens issue(User user, UUID familyId) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String refreshToken = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = Instant.now();
        refreshTokens.insert(hash(refreshToken), familyId, user.id(), now, now.plus(settings.refreshTokenTtl()));
        return new Tokens(accessTokens.issue(user), refreshToken, settings.accessTokenTtl().toSeconds(),
                settings.refreshTokenTtl().toSeconds());
    }

    private static AuthProblem unknown() {
        return AuthProblem.invalidRefreshToken("This refresh token is unknown, expired or revoked. Sign in again.");
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
