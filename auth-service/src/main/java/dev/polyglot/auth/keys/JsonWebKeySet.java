package dev.polyglot.auth.keys;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * The body of {@code GET /api/auth/.well-known/jwks.json}: an RFC 7517 JWK Set of the public RSA signing
 * keys. Typed (rather than nimbus' map) so that the live OpenAPI document describes exactly what is sent:
 * the contract's JsonWebKeySet.
 */
record JsonWebKeySet(@NotNull List<RsaPublicJsonWebKey> keys) {

    static JsonWebKeySet of(JWKSet publicKeys) {
        return new JsonWebKeySet(publicKeys.getKeys().stream()
                .map(JWK::toRSAKey)
                .map(RsaPublicJsonWebKey::of)
                .toList());
    }

    /** RFC 7517/7518 RSA public key: never a private member. Optional members are left out when unset. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RsaPublicJsonWebKey(
            @NotNull String kty,
            String use,
            String alg,
            @NotNull String kid,
            @NotNull String n,
            @NotNull String e) {

        static RsaPublicJsonWebKey of(RSAKey key) {
            RSAKey publicKey = key.toPublicJWK();
            return new RsaPublicJsonWebKey(
                    publicKey.getKeyType().getValue(),
                    publicKey.getKeyUse() != null ? publicKey.getKeyUse().identifier() : null,
                    publicKey.getAlgorithm() != null ? publicKey.getAlgorithm().getName() : null,
                    publicKey.getKeyID(),
                    publicKey.getModulus().toString(),
                    publicKey.getPublicExponent().toString());
        }
    }
}
