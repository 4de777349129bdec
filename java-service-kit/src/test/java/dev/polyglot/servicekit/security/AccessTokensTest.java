package dev.polyglot.servicekit.security;

import static dev.polyglot.servicekit.testing.TokenTestKit.AUDIENCE;
import static dev.polyglot.servicekit.testing.TokenTestKit.ISSUER;
import static dev.polyglot.servicekit.testing.TokenTestKit.claims;
import static dev.polyglot.servicekit.testing.TokenTestKit.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.polyglot.servicekit.security.ServiceKitSecurityProperties.TokenSettings;
import dev.polyglot.servicekit.testing.TokenTestKit.JwksServer;
import dev.polyglot.servicekit.testing.TokenTestKit.MutableClock;
import dev.polyglot.servicekit.testing.TokenTestKit;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * The token rules, on both decoders (Spring MVC's and WebFlux's), against a JWKS served over real HTTP. Every
 * hostile token must be refused as a BadJwtException (a 401), never anything else (a 500).
 */
class AccessTokensTest {

    enum Stack {
        SERVLET, REACTIVE
    }

    private static RSAKey key;
    private static RSAKey otherKey;

    private JwksServer jwks;
    private MutableClock clock;
    private AuthServiceJwkSource source;

    @BeforeAll
    static void keys() {
        key = TokenTestKit.newKey();
        otherKey = TokenTestKit.newKey();
    }

    @BeforeEach
    void serveKeys() {
        jwks = new JwksServer();
        jwks.serve(key);
        clock = new MutableClock();
        source = new AuthServiceJwkSource(jwks.url(), Duration.ofSeconds(10), Duration.ofMinutes(5), clock);
    }

    @AfterEach
    void stop() {
        jwks.close();
    }

    static Stream<Stack> stacks() {
        return Stream.of(Stack.values());
    }

    private Function<String, Jwt> decoder(Stack stack) {
        TokenSettings settings = new TokenSettings(jwks.url(), ISSUER, AUDIENCE, Duration.ofSeconds(60),
                Duration.ofSeconds(10), Duration.ofMinutes(5));
        var validator = AccessTokens.validator(settings, Clock.systemUTC());
        return switch (stack) {
            case SERVLET -> AccessTokens.servletDecoder(source, validator)::decode;
            case REACTIVE -> token -> AccessTokens.reactiveDecoder(source, validator).decode(token).block();
        };
    }

    private void assertRefused(Stack stack, String token) {
        assertThatThrownBy(() -> decoder(stack).apply(token)).isInstanceOf(BadJwtException.class);
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void aValidTokenIsAccepted(Stack stack) {
        JWTClaimsSet claims = claims(c -> c.claim("roles", List.of("admin")));
        Jwt jwt = decoder(stack).apply(sign(key, claims));
        assertThat(jwt.getSubject()).isEqualTo(claims.getSubject());
        assertThat(jwt.getClaimAsString("email")).isEqualTo("ada@example.com");

        JwtAuthenticationToken authentication =
                (JwtAuthenticationToken) AccessTokens.authenticationConverter().convert(jwt);
        assertThat(authentication.getName()).isEqualTo(claims.getSubject());
        assertThat(authentication.getAuthorities()).extracting(GrantedAuthority::getAuthority)
                .filteredOn(authority -> authority.startsWith("ROLE_")).containsExactly("ROLE_admin");
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void theTypHeaderIsOptional(Stack stack) throws Exception {
        for (JOSEObjectType type : new JOSEObjectType[] {null, JOSEObjectType.JWT, new JOSEObjectType("at+jwt")}) {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(type)
                    .build(), claims().build());
            jwt.sign(new RSASSASigner(key));
            assertThat(decoder(stack).apply(jwt.serialize())).as(String.valueOf(type)).isNotNull();
        }
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void algNoneIsRefused(Stack stack) {
        assertRefused(stack, TokenTestKit.unsigned("{\"alg\":\"none\",\"kid\":\"" + key.getKeyID() + "\"}",
                claims(c -> c.claim("roles", List.of("admin")))));
        assertRefused(stack, TokenTestKit.unsigned("{\"alg\":\"none\"}", claims().build()));
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void hs256SignedWithThePublicKeyIsRefused(Stack stack) throws Exception {
        JWTClaimsSet admin = claims(c -> c.claim("roles", List.of("admin")));
        assertRefused(stack, TokenTestKit.hs256(key, admin));
        assertRefused(stack, TokenTestKit.hs256WithPublicKey(key, admin,
                key.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8)));
        String pem = "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(key.toRSAPublicKey().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        assertRefused(stack, TokenTestKit.hs256WithPublicKey(key, admin, pem.getBytes(StandardCharsets.US_ASCII)));
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void otherRsaAlgorithmsAreRefused(Stack stack) {
        assertRefused(stack, sign(key, claims().build(), JWSAlgorithm.PS256));
        assertRefused(stack, sign(key, claims().build(), JWSAlgorithm.RS512));
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void aForeignKeyIsRefusedEvenUnderOurKid(Stack stack) {
        RSAKey foreign = TokenTestKit.newKey(key.getKeyID());
        assertRefused(stack, sign(foreign, claims(c -> c.claim("roles", List.of("admin")))));
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void aTamperedPayloadIsRefused(Stack stack) {
        String[] parts = sign(key, claims(c -> c.claim("roles", List.of("viewer")))).split("\\.");
        String forged = com.nimbusds.jose.util.Base64URL.encode(
                claims(c -> c.claim("roles", List.of("admin"))).toString()).toString();
        assertRefused(stack, parts[0] + "." + forged + "." + parts[2]);
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void anExpiredTokenIsRefusedAfterTheClockSkew(Stack stack) {
        Instant now = Instant.now();
        assertRefused(stack, sign(key, claims(c -> c.issueTime(Date.from(now.minusSeconds(1000)))
                .expirationTime(Date.from(now.minusSeconds(90))))));
        Jwt withinSkew = decoder(stack).apply(sign(key, claims(c -> c.issueTime(Date.from(now.minusSeconds(1000)))
                .expirationTime(Date.from(now.minusSeconds(30))))));
        assertThat(withinSkew).isNotNull();
        assertRefused(stack, sign(key, claims(c -> c.notBeforeTime(Date.from(now.plusSeconds(300))))));
    }

    static Stream<Arguments> claimsThatDoNotFit() {
        return Stream.of(
                Arguments.of("wrong aud", (Function<JWTClaimsSet.Builder, JWTClaimsSet.Builder>) c -> c.audience("other")),
                Arguments.of("no aud", (Function<JWTClaimsSet.Builder, JWTClaimsSet.Builder>) c -> c.audience((String) null)),
                Arguments.of("wrong iss", (Function<JWTClaimsSet.Builder, JWTClaimsSet.Builder>) c -> c.issuer("someone-else")),
                Arguments.of("no iss", (Function<JWTClaimsSet.Builder, JWTClaimsSet.Builder>) c -> c.issuer(null)),
                Arguments.of("no exp", (Function<JWTClaimsSet.Builder, JWTClaimsSet.Builder>) c -> c.expirationTime(null)),
                Arguments.of("no sub", (Function<JWTClaimsSet.Builder, JWTClaimsSet.Builder>) c -> c.subject(null)),
                Arguments.of("roles not a list", (Function<JWTClaimsSet.Builder, JWTClaimsSet.Builder>) c -> c.claim("roles", "admin")),
                Arguments.of("roles not names", (Function<JWTClaimsSet.Builder, JWTClaimsSet.Builder>) c -> c.claim("roles", List.of(1))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("claimsThatDoNotFit")
    void claimsThatDoNotFitAreRefused(String name, Function<JWTClaimsSet.Builder, JWTClaimsSet.Builder> change) {
        for (Stack stack : Stack.values()) {
            assertRefused(stack, sign(key, change.apply(claims()).build()));
        }
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void anAudienceListContainingOursIsAccepted(Stack stack) {
        assertThat(decoder(stack).apply(sign(key, claims(c -> c.audience(List.of("other", AUDIENCE)))))).isNotNull();
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void rotationIsPickedUpOnAnUnknownKidAtMostEvery10Seconds(Stack stack) {
        assertThat(decoder(stack).apply(sign(key, claims().build()))).isNotNull();
        assertThat(jwks.requests.get()).isEqualTo(1);

        jwks.serve(otherKey, key); // auth-service rotated: the new key signs, the old one is still published
        clock.advance(Duration.ofSeconds(1));
        assertRefused(stack, sign(otherKey, claims().build())); // fetched 1 s ago: not asked again
        assertThat(jwks.requests.get()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(10));
        assertThat(decoder(stack).apply(sign(otherKey, claims().build()))).isNotNull();
        assertThat(decoder(stack).apply(sign(key, claims().build()))).isNotNull();
        assertThat(jwks.requests.get()).isEqualTo(2);
    }

    @Test
    void madeUpKidsDoNotHammerTheJwks() {
        for (int attempt = 0; attempt < 20; attempt++) {
            String madeUp = TokenTestKit.unsigned("{\"alg\":\"RS256\",\"kid\":\"made-up-" + attempt + "\"}",
                    claims().build()) + "c2lnbmF0dXJl";
            assertRefused(attempt % 2 == 0 ? Stack.SERVLET : Stack.REACTIVE, madeUp);
        }
        assertThat(jwks.requests.get()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void aKeyWithdrawnFromTheJwksStopsWorkingAfterTheCacheAge(Stack stack) {
        assertThat(decoder(stack).apply(sign(key, claims().build()))).isNotNull();
        jwks.serve(otherKey);
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertRefused(stack, sign(key, claims().build()));
        assertThat(decoder(stack).apply(sign(otherKey, claims().build()))).isNotNull();
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void anUnreachableJwksIsABadTokenNeverAnError(Stack stack) {
        jwks.close();
        assertRefused(stack, sign(key, claims().build()));
    }

    static Stream<Arguments> brokenJwks() {
        return Stream.of(Arguments.of(503, "upstream down"), Arguments.of(200, "<html>not json</html>"),
                Arguments.of(200, "{\"keys\": \"nope\"}"), Arguments.of(200, "{\"keys\": []}"));
    }

    @ParameterizedTest
    @MethodSource("brokenJwks")
    void aBrokenJwksIsABadTokenAndTheServiceRecovers(int status, String body) {
        for (Stack stack : Stack.values()) {
            source = new AuthServiceJwkSource(jwks.url(), Duration.ofSeconds(10), Duration.ofMinutes(5), clock);
            jwks.status = status;
            jwks.body = body;
            assertRefused(stack, sign(key, claims().build()));
            jwks.serve(key);
            clock.advance(Duration.ofSeconds(10));
            assertThat(decoder(stack).apply(sign(key, claims().build()))).isNotNull();
        }
    }

    @Test
    void aFailedFetchKeepsTheKeysAlreadyKnown() {
        assertThat(decoder(Stack.SERVLET).apply(sign(key, claims().build()))).isNotNull();
        jwks.status = 500;
        jwks.body = "oops";
        clock.advance(Duration.ofMinutes(6));
        assertThat(decoder(Stack.SERVLET).apply(sign(key, claims().build()))).isNotNull();
        assertThat(jwks.requests.get()).isEqualTo(2);
    }

    @Test
    void settingsDefaultToTheAuthServiceUrl() {
        var none = new ServiceKitSecurityProperties(true, "", " ", "", null, null, null, null, null, null).tokenSettings();
        assertThat(none.jwkSetUri()).isEqualTo("http://127.0.0.1:8081/api/auth/.well-known/jwks.json");
        assertThat(none.issuer()).isEqualTo(ISSUER);
        assertThat(none.audience()).isEqualTo(AUDIENCE);
        assertThat(none.clockSkew()).isEqualTo(Duration.ofSeconds(60));
        assertThat(none.minRefetchInterval()).isEqualTo(Duration.ofSeconds(10));
        var fromService = new ServiceKitSecurityProperties(true, null, "http://auth:9000/", "i", "a", null, null, null,
                null, null).tokenSettings();
        assertThat(fromService.jwkSetUri()).isEqualTo("http://auth:9000/api/auth/.well-known/jwks.json");
        assertThat(fromService.issuer()).isEqualTo("i");
        assertThat(fromService.audience()).isEqualTo("a");
        var fromInstances = new ServiceKitSecurityProperties(true, null, "http://127.0.0.1:8081/, http://127.0.0.1:8181",
                null, null, null, null, null, null, null).tokenSettings();
        assertThat(fromInstances.jwkSetUri()).as("the first of the gateway's auth-service instances")
                .isEqualTo("http://127.0.0.1:8081/api/auth/.well-known/jwks.json");
    }
}
