package dev.polyglot.auth.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.polyglot.auth.keys.SigningKeyRepository.StoredKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The keys auth-service signs with. They live in the database, so that tokens stay valid across restarts
 * and every instance signs with, and publishes, the same keys. The first start generates one.
 *
 * <p>Rotation: {@link #rotate()} (or, with AUTH_KEY_ROTATION_INTERVAL, {@link KeyRotation} when the current key is
 * that old) stores a new key, which signs from then on; the previous one is retired but stays in the JWKS until
 * every token it signed has expired (ACCESS_TOKEN_TTL + 60 s of clock skew), then leaves it and the database.
 * Each instance re-reads the table at least every {@link #RELOAD_INTERVAL}, so a rotation done by one instance
 * reaches the others; verifiers pick the new key up when they meet its kid.
 */
@Component
public class SigningKeys {

    static final Duration RELOAD_INTERVAL = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final int RSA_KEY_BITS = 2048;

    private final SigningKeyRepository repository;
    private final KeyRotationSettings settings;
    private final Clock clock;

    private volatile Snapshot snapshot;

    /** What the table held when last read. */
    private record Snapshot(List<StoredKey> keys, Instant readAt) {
    }

    @Autowired
    SigningKeys(SigningKeyRepository repository, Environment environment, ObjectProvider<Clock> clock) {
        this(repository, KeyRotationSettings.from(environment), clock.getIfAvailable(Clock::systemUTC));
    }

    SigningKeys(SigningKeyRepository repository, KeyRotationSettings settings, Clock clock) {
        this.repository = repository;
        this.settings = settings;
        this.clock = clock;
        if (repository.findAllStored().isEmpty()) {
            RSAKey generated = generate(clock.instant());
            if (repository.insertFirst(generated, clock.instant())) {
                log.info("Generated signing key {} (first start on this database)", generated.getKeyID());
            } else {
                log.info("Another instance starting beside this one stored the first signing key: signing with it");
            }
        }
        // Read back rather than keep the generated key: every instance signs with the one key the table holds. (Two
        // first keys, each instance reading its own before the other's was stored, made the JWKS of one instance
        // lack the key the other signed with: the chaos suite's two instances on a new database, a 401 after login.)
        this.snapshot = read();
    }

    /** The key new tokens are signed with: the newest key not retired. Call it for each token (keys rotate). */
    public RSAKey current() {
        return currentStored().key();
    }

    /** The public halves of the keys that sign or signed tokens not yet expired, as served at /.well-known/jwks.json. */
    public JWKSet publicJwkSet() {
        Instant now = clock.instant();
        List<JWK> published = fresh().keys().stream()
                .filter(stored -> stored.retiredAt() == null || now.isBefore(stored.retiredAt().plus(settings.retention())))
                .map(stored -> (JWK) stored.key())
                .toList();
        return new JWKSet(published).toPublicJWKSet();
    }

    /**
     * Makes a new key the signing key; the previous one stays published until its tokens have expired.
     *
     * @return the new current key
     */
    public synchronized RSAKey rotate() {
        Instant now = clock.instant();
        RSAKey next = generate(now);
        String previous = currentStored().key().getKeyID();
        repository.insertAndRetireOthers(next, now);
        snapshot = read();
        log.info("Rotated the signing key: {} signs from now on; {} stays published for {}",
                next.getKeyID(), previous, settings.retention());
        return next;
    }

    /** When the current key was stored: what the scheduled rotation measures its age from. */
    Instant currentSince() {
        return currentStored().createdAt();
    }

    KeyRotationSettings settings() {
        return settings;
    }

    private StoredKey currentStored() {
        List<StoredKey> keys = fresh().keys();
        return keys.stream()
                .filter(stored -> stored.retiredAt() == null)
                .max(Comparator.comparing(StoredKey::createdAt).thenComparing(stored -> stored.key().getKeyID()))
                .orElseGet(() -> keys.get(keys.size() - 1));
    }

    private Snapshot fresh() {
        Snapshot current = snapshot;
        if (!clock.instant().isBefore(current.readAt().plus(RELOAD_INTERVAL))) {
            synchronized (this) {
                if (snapshot == current) {
                    snapshot = read();
                }
            }
        }
        return snapshot;
    }

    private Snapshot read() {
        Instant now = clock.instant();
        int deleted = repository.deleteRetiredBefore(now.minus(settings.retention()));
        if (deleted > 0) {
            log.info("Deleted {} retired signing key(s): every token they signed has expired", deleted);
        }
        List<StoredKey> keys = repository.findAllStored();
        if (keys.isEmpty()) {
            throw new IllegalStateException("signing_keys is empty: auth-service has no key to sign with");
        }
        return new Snapshot(keys, now);
    }

    private static RSAKey generate(Instant now) {
        try {
            return new RSAKeyGenerator(RSA_KEY_BITS)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .keyIDFromThumbprint(true) // kid = RFC 7638 thumbprint: stable, derived from the key itself
                    .issueTime(Date.from(now))
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot generate an RSA signing key", e);
        }
    }
}
