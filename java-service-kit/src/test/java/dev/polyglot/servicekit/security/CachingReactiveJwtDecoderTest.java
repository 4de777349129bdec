package dev.polyglot.servicekit.security;

import static dev.polyglot.servicekit.testing.TokenTestKit.AUDIENCE;
import static dev.polyglot.servicekit.testing.TokenTestKit.ISSUER;
import static dev.polyglot.servicekit.testing.TokenTestKit.claims;
import static dev.polyglot.servicekit.testing.TokenTestKit.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.RSAKey;
import dev.polyglot.servicekit.security.ServiceKitSecurityProperties.TokenSettings;
import dev.polyglot.servicekit.testing.TokenTestKit;
import dev.polyglot.servicekit.testing.TokenTestKit.JwksServer;
import dev.polyglot.servicekit.testing.TokenTestKit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/** The kit's reactive decoder behind the cache, on a JWKS served over real HTTP and a clock the test moves. */
class CachingReactiveJwtDecoderTest {

    private static final RSAKey key = TokenTestKit.newKey();

    private JwksServer jwks;
    private MutableClock clock;
    private AtomicInteger verifications;
    private CachingReactiveJwtDecoder decoder;

    @BeforeEach
    void decoder() {
        jwks = new JwksServer();
        jwks.serve(key);
        clock = new MutableClock();
        TokenSettings settings = new TokenSettings(jwks.url(), ISSUER, AUDIENCE, Duration.ZERO,
                Duration.ofSeconds(10), Duration.ofMinutes(5));
        OAuth2TokenValidator<Jwt> validator = AccessTokens.validator(settings, clock);
        ReactiveJwtDecoder verifying = AccessTokens.reactiveDecoder(
                new AuthServiceJwkSource(jwks.url(), Duration.ofSeconds(10), Duration.ofMinutes(5), clock), validator);
        verifications = new AtomicInteger();
        ReactiveJwtDecoder counted = token -> {
            verifications.incrementAndGet();
            return verifying.decode(token);
        };
        decoder = new CachingReactiveJwtDecoder(counted, validator, Duration.ofSeconds(60), 3, clock);
    }

    @AfterEach
    void stop() {
        jwks.close();
    }

    @Test
    void anAcceptedTokenIsVerifiedOnceWithinTheMaxAge() {
        String token = sign(key, claims().build());

        Jwt first = decoder.decode(token).block();
        Jwt again = decoder.decode(token).block();
        clock.advance(Duration.ofSeconds(61));
        decoder.decode(token).block();

        assertThat(again).isSameAs(first);
        assertThat(verifications).hasValue(2);
    }

    @Test
    void aRememberedTokenStillExpiresOnTime() {
        Instant now = clock.instant();
        String token = sign(key, claims(c -> c.issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(30)))));
        decoder.decode(token).block();

        clock.advance(Duration.ofSeconds(31));

        assertThatThrownBy(() -> decoder.decode(token).block()).isInstanceOf(BadJwtException.class);
        assertThat(decoder.size()).isZero();
    }

    @Test
    void refusedTokensAreNeverRemembered() {
        String foreign = sign(TokenTestKit.newKey(key.getKeyID()), claims().build());

        assertThatThrownBy(() -> decoder.decode(foreign).block()).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> decoder.decode(foreign).block()).isInstanceOf(BadJwtException.class);
        assertThat(verifications).hasValue(2);
        assertThat(decoder.size()).isZero();
    }

    @Test
    void theMemoryIsBounded() {
        for (int i = 0; i < 10; i++) {
            decoder.decode(sign(key, claims().build())).block();
            assertThat(decoder.size()).isLessThanOrEqualTo(3);
        }
    }
}
