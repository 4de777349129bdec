package dev.polyglot.servicekit.testing;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keys made in the test, tokens signed with them, and auth-service's JWKS endpoint played by a real HTTP server: for
 * the kit's own token tests and for any service that checks tokens (the gateway).
 */
public final class TokenTestKit {

    public static final String ISSUER = "polyglot-auth";
    public static final String AUDIENCE = "polyglot-platform";

    private TokenTestKit() {
    }

    public static RSAKey newKey() {
        try {
            return new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
        } catch (Exception failed) {
            throw new IllegalStateException(failed);
        }
    }

    public static RSAKey newKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (Exception failed) {
            throw new IllegalStateException(failed);
        }
    }

    public static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(UUID.randomUUID().toString())
                .claim("roles", List.of("user"))
                .claim("email", "ada@example.com")
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(15))));
    }

    public static JWTClaimsSet claims(Consumer<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder builder = claims();
        change.accept(builder);
        return builder.build();
    }

    public static String sign(RSAKey key, JWTClaimsSet claims) {
        return sign(key, claims, JWSAlgorithm.RS256);
    }

    public static String sign(RSAKey key, JWTClaimsSet claims, JWSAlgorithm algorithm) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (Exception failed) {
            throw new IllegalStateException(failed);
        }
    }

    /** header.payload. with the given header, no signature. */
    public static String unsigned(String headerJson, JWTClaimsSet claims) {
        return Base64URL.encode(headerJson).toString() + "." + Base64URL.encode(claims.toString()).toString() + ".";
    }

    /** Algorithm confusion: HS256 with the public key's bytes (PEM-less DER, or its JWK JSON) as the HMAC secret. */
    public static String hs256WithPublicKey(RSAKey key, JWTClaimsSet claims, byte[] secret) {
        try {
            String signingInput = Base64URL.encode("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + key.getKeyID() + "\"}")
                    + "." + Base64URL.encode(claims.toString());
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return signingInput + "." + Base64URL.encode(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception failed) {
            throw new IllegalStateException(failed);
        }
    }

    /** HS256 signed through Nimbus with a 256-bit secret: a well-formed HMAC token. */
    public static String hs256(RSAKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new MACSigner(key.toRSAPublicKey().getEncoded()));
            return jwt.serialize();
        } catch (Exception failed) {
            throw new IllegalStateException(failed);
        }
    }

    /** auth-service's JWKS endpoint: serves {@link #keys}, or {@link #status} with a non-JWKS body. */
    public static final class JwksServer implements AutoCloseable {

        public volatile List<RSAKey> keys = List.of();
        public volatile int status = 200;
        public volatile String body;
        public final AtomicInteger requests = new AtomicInteger();
        private final HttpServer server;

        public JwksServer() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException failed) {
                throw new IllegalStateException(failed);
            }
            server.createContext("/api/auth/.well-known/jwks.json", exchange -> {
                requests.incrementAndGet();
                String answer = body != null ? body
                        : new JWKSet(keys.stream().map(key -> (com.nimbusds.jose.jwk.JWK) key.toPublicJWK()).toList())
                        .toString();
                byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            server.start();
        }

        public String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/auth/.well-known/jwks.json";
        }

        public void serve(RSAKey... published) {
            keys = List.of(published);
            status = 200;
            body = null;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** A clock the test moves forward. */
    public static final class MutableClock extends Clock {

        private volatile Instant now = Instant.now();

        public void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

}
