package dev.polyglot.servicekit.security;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * auth-service's public signing keys, fetched from its JWKS and cached.
 *
 * <p>A token whose kid is not in the cache makes it refetch the set (auth-service rotated its key), at most once
 * per {@code minRefetchInterval}: tokens with made-up kids cannot make a service hammer auth-service. A failed fetch
 * is retried no sooner either, and keeps the keys already known. The set is also refetched on the first token after
 * {@code maxCacheAge}, so a key auth-service withdrew stops being accepted. Only public RSA keys are kept.
 *
 * <p>If no key set was ever fetched, {@link #get} throws {@link KeySourceException}; the kit's decoders turn that
 * into a 401 (the token cannot be checked), never a 500.
 */
public final class AuthServiceJwkSource implements JWKSource<SecurityContext> {

    private static final Logger log = LoggerFactory.getLogger(AuthServiceJwkSource.class);
    private static final int MAX_BYTES = 512 * 1024;

    private final URI uri;
    private final Duration minRefetchInterval;
    private final Duration maxCacheAge;
    private final Clock clock;
    private final HttpClient http;

    private volatile @Nullable JWKSet keys;
    private volatile @Nullable Instant fetchedAt;
    private @Nullable Instant attemptedAt;
    private volatile int fetches;

    public AuthServiceJwkSource(String jwkSetUri, Duration minRefetchInterval, Duration maxCacheAge, Clock clock) {
        this.uri = URI.create(jwkSetUri);
        this.minRefetchInterval = minRefetchInterval;
        this.maxCacheAge = maxCacheAge;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public List<JWK> get(JWKSelector selector, @Nullable SecurityContext context) throws KeySourceException {
        JWKSet cached = keys;
        if (cached != null && !stale()) {
            List<JWK> found = selector.select(cached);
            if (!found.isEmpty()) {
                return found;
            }
        }
        synchronized (this) {
            cached = keys;
            List<JWK> found = cached == null ? List.of() : selector.select(cached);
            if ((found.isEmpty() || stale()) && mayFetch()) {
                fetch();
                cached = keys;
                found = cached == null ? List.of() : selector.select(cached);
            }
            if (cached == null) {
                throw new KeySourceException("The signing keys at " + uri + " are unavailable");
            }
            return found;
        }
    }

    /** How many times the key set was fetched (or tried): for tests and diagnostics. */
    public int fetches() {
        return fetches;
    }

    private boolean stale() {
        Instant at = fetchedAt;
        return at == null || !clock.instant().isBefore(at.plus(maxCacheAge));
    }

    private boolean mayFetch() {
        return attemptedAt == null || !clock.instant().isBefore(attemptedAt.plus(minRefetchInterval));
    }

    private void fetch() {
        attemptedAt = clock.instant();
        fetches++;
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3))
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                log.warn("Cannot fetch the JWKS from {}: HTTP {}", uri, response.statusCode());
                return;
            }
            if (response.body().length > MAX_BYTES) {
                log.warn("Cannot use the JWKS from {}: larger than {} bytes", uri, MAX_BYTES);
                return;
            }
            List<JWK> usable = JWKSet.parse(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8))
                    .getKeys().stream()
                    .filter(key -> key.getKeyType() == KeyType.RSA && !key.isPrivate() && key.getKeyID() != null)
                    .toList();
            if (usable.isEmpty()) {
                log.warn("The JWKS at {} has no public RSA key with a kid", uri);
                return;
            }
            keys = new JWKSet(usable);
            fetchedAt = clock.instant();
        } catch (IOException | ParseException | IllegalArgumentException failed) {
            log.warn("Cannot fetch the JWKS from {}: {}", uri, failed.toString());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
