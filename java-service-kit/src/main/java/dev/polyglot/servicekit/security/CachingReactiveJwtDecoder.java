package dev.polyglot.servicekit.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * Remembers the tokens a decoder accepted, so a client sending the same token on every request costs one RSA
 * signature check per {@code maxAge} rather than one per request (the gateway's hot path).
 *
 * <p>Only accepted tokens are kept, keyed by the whole token string (a changed byte is another token), for at most
 * {@code maxAge} and never past their {@code exp}. A remembered token is validated again on every use (exp, nbf, iss,
 * aud: cheap), so it expires exactly as an unremembered one would. A key withdrawn from the JWKS stops being trusted
 * for tokens it signed after at most {@code maxAge}. At {@code maxEntries} the memory is emptied and refills.
 */
public final class CachingReactiveJwtDecoder implements ReactiveJwtDecoder {

    private final ReactiveJwtDecoder decoder;
    private final OAuth2TokenValidator<Jwt> validator;
    private final Duration maxAge;
    private final int maxEntries;
    private final Clock clock;
    private final ConcurrentHashMap<String, Accepted> accepted = new ConcurrentHashMap<>();

    public CachingReactiveJwtDecoder(ReactiveJwtDecoder decoder, OAuth2TokenValidator<Jwt> validator, Duration maxAge,
                                     int maxEntries, Clock clock) {
        this.decoder = decoder;
        this.validator = validator;
        this.maxAge = maxAge;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    @Override
    public Mono<Jwt> decode(String token) {
        Accepted known = accepted.get(token);
        if (known != null) {
            if (clock.instant().isBefore(known.until()) && !validator.validate(known.jwt()).hasErrors()) {
                return Mono.just(known.jwt());
            }
            accepted.remove(token);
        }
        return decoder.decode(token).doOnNext(jwt -> remember(token, jwt));
    }

    /** How many tokens are remembered now: for tests and diagnostics. */
    public int size() {
        return accepted.size();
    }

    private void remember(String token, Jwt jwt) {
        Instant until = clock.instant().plus(maxAge);
        if (jwt.getExpiresAt() != null && jwt.getExpiresAt().isBefore(until)) {
            until = jwt.getExpiresAt();
        }
        if (accepted.size() >= maxEntries) {
            accepted.clear();
        }
        accepted.put(token, new Accepted(jwt, until));
    }

    private record Accepted(Jwt jwt, Instant until) {
    }
}
