package dev.polyglot.notification.support;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * auth-service as the notification tests need it: one RSA key for the JVM, its JWKS served over real HTTP, and
 * access tokens signed with it for fresh users, so the service checks them exactly as in production.
 */
public final class TestIdentity {

    private static final RSAKey KEY;
    private static final HttpServer JWKS;

    static {
        try {
            KEY = new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
            JWKS = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        } catch (Exception failed) {
            throw new IllegalStateException(failed);
        }
        byte[] keySet = new JWKSet(KEY.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        JWKS.createContext("/api/auth/.well-known/jwks.json", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, keySet.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(keySet);
            }
        });
        JWKS.start();
    }

    private TestIdentity() {
    }

    public static String jwksUrl() {
        return "http://127.0.0.1:" + JWKS.getAddress().getPort() + "/api/auth/.well-known/jwks.json";
    }

    /** A new user with this role and a valid access token. */
    public static User newUser(String role) {
        String id = UUID.randomUUID().toString();
        String email = "u" + id.substring(0, 8) + "@example.com";
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer("polyglot-auth").audience("polyglot-platform").subject(id)
                .claim("roles", List.of(role)).claim("email", email).jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(900))).build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KEY.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner(KEY));
            return new User(id, email, role, jwt.serialize());
        } catch (Exception failed) {
            throw new IllegalStateException(failed);
        }
    }

    public record User(String id, String email, String role, String accessToken) {

        public String topic() {
            return "user:" + id;
        }

        public String[] bearer() {
            return new String[] {"Authorization", "Bearer " + accessToken};
        }
    }

    /** Points the service's token check at the JWKS served here. */
    public static final class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

        @Override
        public void initialize(ConfigurableApplicationContext context) {
            TestPropertyValues.of("service-kit.security.jwk-set-uri=" + jwksUrl()).applyTo(context);
        }
    }
}
