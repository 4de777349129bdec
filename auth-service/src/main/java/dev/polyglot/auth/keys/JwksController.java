package dev.polyglot.auth.keys;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import dev.polyglot.auth.api.KeysApi;
import dev.polyglot.auth.api.model.JsonWebKeySet;
import dev.polyglot.auth.api.model.RsaPublicJsonWebKey;
import java.time.Duration;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

/** Publishes the public signing keys (RFC 7517 JWK Set) that token verifiers fetch. */
@RestController
class JwksController implements KeysApi {

    // Verifiers may cache the set briefly: the kits' verifiers refetch it when a token names a kid they do not know
    // (a rotated key, published from the moment it signs); a retired key stays in it until its tokens have expired.
    private static final CacheControl CACHE = CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic();

    private final SigningKeys signingKeys;

    JwksController(SigningKeys signingKeys) {
        this.signingKeys = signingKeys;
    }

    @Override
    public ResponseEntity<JsonWebKeySet> getJsonWebKeySet() {
        JsonWebKeySet set = new JsonWebKeySet(signingKeys.publicJwkSet().getKeys().stream()
                .map(JWK::toRSAKey)
                .map(JwksController::publicMembers)
                .toList());
        return ResponseEntity.ok().cacheControl(CACHE).body(set);
    }

    /** The RSA public key's members only, whatever the key object holds: never a private member. */
    private static RsaPublicJsonWebKey publicMembers(RSAKey key) {
        RSAKey publicKey = key.toPublicJWK();
        // fromValue refuses anything but the contract's constants (RSA, sig, RS256): a key of another kind fails here.
        return new RsaPublicJsonWebKey(RsaPublicJsonWebKey.KtyEnum.fromValue(publicKey.getKeyType().getValue()),
                publicKey.getKeyID(), publicKey.getModulus().toString(), publicKey.getPublicExponent().toString())
                .use(publicKey.getKeyUse() != null ? RsaPublicJsonWebKey.UseEnum.fromValue(publicKey.getKeyUse().identifier()) : null)
                .alg(publicKey.getAlgorithm() != null ? RsaPublicJsonWebKey.AlgEnum.fromValue(publicKey.getAlgorithm().getName()) : null);
    }
}
