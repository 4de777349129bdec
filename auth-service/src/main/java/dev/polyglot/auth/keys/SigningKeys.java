package dev.polyglot.auth.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The keys auth-service signs with. They live in the database, so that tokens stay valid across restarts
 * and every instance signs with, and publishes, the same keys. The first start generates one.
 */
@Component
public class SigningKeys {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final int RSA_KEY_BITS = 2048;

    private final List<RSAKey> keys;

    SigningKeys(SigningKeyRepository repository) {
        if (repository.findAll().isEmpty()) {
            RSAKey generated = generate();
            repository.insert(generated, generated.getIssueTime().toInstant());
            log.info("Generated signing key {} (first start on this database)", generated.getKeyID());
        }
        // Read back rather than keep the generated key: if two first instances raced, both now see both keys.
        this.keys = List.copyOf(repository.findAll());
    }

    /** The key new tokens are signed with: the newest. */
    public RSAKey current() {
        return keys.get(keys.size() - 1);
    }

    /** The public halves of all keys, as served at /.well-known/jwks.json. */
    public JWKSet publicJwkSet() {
        return new JWKSet(List.copyOf(keys)).toPublicJWKSet();
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(RSA_KEY_BITS)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .keyIDFromThumbprint(true) // kid = RFC 7638 thumbprint: stable, derived from the key itself
                    .issueTime(Date.from(Instant.now()))
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot generate an RSA signing key", e);
        }
    }
}
