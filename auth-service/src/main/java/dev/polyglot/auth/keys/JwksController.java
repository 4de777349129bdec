package dev.polyglot.auth.keys;

import java.time.Duration;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Publishes the public signing keys (RFC 7517 JWK Set) that token verifiers fetch. */
@RestController
class JwksController {

    // Verifiers may cache the set briefly; a new key is published well before it signs (key rotation).
    private static final CacheControl CACHE = CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic();

    private final SigningKeys signingKeys;

    JwksController(SigningKeys signingKeys) {
        this.signingKeys = signingKeys;
    }

    @GetMapping("${service-kit.api-prefix}/.well-known/jwks.json")
    ResponseEntity<Map<String, Object>> jwks() {
        return ResponseEntity.ok().cacheControl(CACHE).body(signingKeys.publicJwkSet().toJSONObject());
    }
}
