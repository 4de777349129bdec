package dev.polyglot.auth.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.polyglot.auth.keys.SigningKeys;
import dev.polyglot.auth.users.User;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Issues RS256 access tokens with the current signing key: iss, aud, sub, roles, email, jti, iat, exp; kid header. */
@Component
public class AccessTokens {

    private final SigningKeys keys;
    private final TokenSettings settings;

    AccessTokens(SigningKeys keys, TokenSettings settings) {
        this.keys = keys;
        this.settings = settings;
    }

    public String issue(User user) {
        RSAKey key = keys.current();
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(settings.issuer())
                .audience(settings.audience())
                .subject(user.id().toString())
                .claim("roles", List.of(user.role().name()))
                .claim("email", user.email())
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(settings.accessTokenTtl())))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign an access token", e);
        }
        return jwt.serialize();
    }
}
