package dev.polyglot.auth.keys;

import io.swagger.v3.oas.annotations.Operation;
import java.time.Duration;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Publishes the public signing keys (RFC 7517 JWK Set) that token verifiers fetch. */
@RestController
class JwksController {

    // Verifiers may cache the set briefly: the kits' verifiers refetch it when a token names a kid they do not know
    // (a rotated key, published from the moment it signs); a retired key stays in it until its tokens have expired.
    private static final CacheControl CACHE = CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic();

    private final SigningKeys signingKeys;

    JwksController(SigningKeys signingKeys) {
        this.signingKeys = signingKeys;
    }

    @Operation(operationId = "getJsonWebKeySet", tags = "keys",
            summary = "Public keys that verify the platform's access tokens")
    @GetMapping(path = "${service-kit.api-prefix}/.well-known/jwks.json", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JsonWebKeySet> jwks() {
        return ResponseEntity.ok().cacheControl(CACHE).body(JsonWebKeySet.of(signingKeys.publicJwkSet()));
    }
}
