package dev.polyglot.auth.security;

import static org.hamcrest.Matchers.startsWith;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.polyglot.auth.api.config.EnumConverterConfiguration;
import dev.polyglot.auth.keys.SigningKeys;
import dev.polyglot.auth.problem.AuthProblem;
import dev.polyglot.auth.tokens.TokenService;
import dev.polyglot.auth.tokens.TokenSettings;
import dev.polyglot.auth.users.Passwords;
import dev.polyglot.auth.users.Role;
import dev.polyglot.auth.users.User;
import dev.polyglot.auth.users.UserService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The web layer alone (controllers, the security chain, auth-service's problems), with the services mocked: which
 * request reaches which service, and what the client gets back. No database, no Redis.
 */
@WebMvcTest
@EnableWebSecurity // Boot 4's MVC slice leaves security out; the real chain is imported below
@Import({SecurityConfiguration.class, EnumConverterConfiguration.class}) // the generated ?role=viewer converter
class WebLayerTest {

    private static final UUID ADMIN_ID = UUID.randomUUID();
    private static final UUID USER_ID = UUID.randomUUID();

    @Autowired
    MockMvc mvc;
    @MockitoBean
    TokenService tokens;
    @MockitoBean
    UserService users;
    @MockitoBean
    SigningKeys signingKeys;
    @MockitoBean
    TokenSettings tokenSettings;
    @MockitoBean
    Passwords passwords; // isCommon: false
    @MockitoBean
    JwtDecoder jwtDecoder; // the real one is tested end to end (AuthApiContract); here: token -> claims

    @BeforeEach
    void tokensDecodeToTheirRoles() {
        when(jwtDecoder.decode("admin-token")).thenReturn(jwt(ADMIN_ID, "admin"));
        when(jwtDecoder.decode("user-token")).thenReturn(jwt(USER_ID, "user"));
        when(jwtDecoder.decode("bad-token")).thenThrow(new BadJwtException("signature"));
        when(users.isAdminNow(ADMIN_ID)).thenReturn(true);
    }

    private static Jwt jwt(UUID subject, String role) {
        return Jwt.withTokenValue("t").header("alg", "RS256").subject(subject.toString()).claim("roles", List.of(role))
                .issuedAt(Instant.now()).expiresAt(Instant.now().plus(Duration.ofMinutes(15))).build();
    }

    @Test
    void loginAnswersTheTokenResponseInSnakeCase() throws Exception {
        when(tokens.login(eq("ada@example.com"), eq("correct-horse-battery-staple"), anyString()))
                .thenReturn(new TokenService.Tokens("access", "refresh", 900, 604800));

        mvc.perform(post("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"email\":\"ada@example.com\",\"password\":\"correct-horse-battery-staple\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.access_token").value("access"))
                .andExpect(jsonPath("$.refresh_token").value("refresh"))
                .andExpect(jsonPath("$.token_type").value("Bearer"))
                .andExpect(jsonPath("$.expires_in").value(900))
                .andExpect(jsonPath("$.refresh_expires_in").value(604800));
    }

    @Test
    void badCredentialsAndThrottlingAreProblems() throws Exception {
        when(tokens.login(eq("ada@example.com"), anyString(), anyString())).thenThrow(AuthProblem.badCredentials());
        when(tokens.login(eq("slow@example.com"), anyString(), anyString()))
                .thenThrow(AuthProblem.rateLimited("Too many failed logins", Duration.ofMillis(41_200)));

        mvc.perform(post("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"email\":\"ada@example.com\",\"password\":\"nope\"}"))
                .andExpect(status().isUnauthorized())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("/problems/bad-credentials"))
                .andExpect(jsonPath("$.detail").value("Email or password is wrong."))
                .andExpect(jsonPath("$.instance").value("/api/auth/login"));
        mvc.perform(post("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"email\":\"slow@example.com\",\"password\":\"nope\"}"))
                .andExpect(status().isTooManyRequests())
                .andExpect(header().string("Retry-After", "42"))
                .andExpect(jsonPath("$.type").value("/problems/rate-limited"));
    }

    @Test
    void anInvalidLoginBodyNeverReachesTheService() throws Exception {
        mvc.perform(post("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"email\":\"not-an-email\",\"password\":\"\"}"))
                // 4xx here; the 422 problem with its errors is written on the /error dispatch by the service kit,
                // which MockMvc does not perform (AuthApiContract checks it over HTTP).
                .andExpect(status().is4xxClientError());
        verify(tokens, never()).login(anyString(), anyString(), anyString());
    }

    @Test
    void meNeedsAValidBearerTokenAnd401IsAProblem() throws Exception {
        for (String authorization : new String[] {null, "Bearer bad-token"}) {
            var request = get("/api/auth/me");
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            mvc.perform(request)
                    .andExpect(status().isUnauthorized())
                    .andExpect(header().string("WWW-Authenticate", startsWith("Bearer")))
                    .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.type").value("/problems/unauthorized"))
                    .andExpect(jsonPath("$.instance").value("/api/auth/me"));
        }
        Instant now = Instant.now();
        when(users.get(USER_ID)).thenReturn(new User(USER_ID, "ada@example.com", "Ada", "hash", Role.user, now, now));
        mvc.perform(get("/api/auth/me").header("Authorization", "Bearer user-token"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value(USER_ID.toString()))
                .andExpect(jsonPath("$.password_hash").doesNotExist());
    }

    @Test
    void administrationIsForAdminsOnly() throws Exception {
        mvc.perform(get("/api/auth/users").header("Authorization", "Bearer user-token"))
                .andExpect(status().isForbidden())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("/problems/forbidden"));
        verify(users, never()).list(any(), any(), anyInt(), anyInt());

        when(users.list(null, Role.viewer, 0, 20)).thenReturn(new UserService.Page(List.of(), 0, 20, 0));
        mvc.perform(get("/api/auth/users?role=viewer").header("Authorization", "Bearer admin-token"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.total_items").value(0))
                .andExpect(jsonPath("$.total_pages").value(0));
    }

    @Test
    void anonymousRegistrationCannotAskForAdmin() throws Exception {
        mvc.perform(post("/api/auth/register").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"email\":\"eve@example.com\",\"name\":\"Eve\",\"password\":\"correct-horse-battery\","
                                + "\"role\":\"admin\"}"))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.type").value("/problems/forbidden"));
        verify(users, never()).create(anyString(), anyString(), anyString(), any());
    }
}
