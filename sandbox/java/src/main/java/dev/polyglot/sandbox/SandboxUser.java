package dev.polyglot.sandbox;

import dev.polyglot.client.auth.api.TokensApi;
import dev.polyglot.client.auth.model.LoginRequest;
import dev.polyglot.client.auth.model.Role;
import dev.polyglot.client.auth.model.TokenResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A user of the sandbox, signed in, with the generated clients already carrying its access token:
 * {@code new PredictionsApi(user.inference()).predictEta(shipment)}. The token is renewed by signing in again shortly
 * before it expires, so a long test keeps working.
 */
public final class SandboxUser {

    /** Sign in again when the token has less than this left. */
    private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofSeconds(30);

    private final UUID id;
    private final String email;
    private final String password;
    private final Role role;
    private final SandboxClients clients;
    private String accessToken;
    private Instant renewAt;

    SandboxUser(UUID id, String email, String password, Role role, SandboxClients clients) {
        this.id = id;
        this.email = email;
        this.password = password;
        this.role = role;
        this.clients = clients;
    }

    public UUID id() {
        return id;
    }

    public String email() {
        return email;
    }

    /** For a test that signs in itself (a browser, a WebSocket client). */
    public String password() {
        return password;
    }

    public Role role() {
        return role;
    }

    /** A valid access token (a bearer JWT) of this user. */
    public synchronized String accessToken() {
        if (accessToken == null || Instant.now().isAfter(renewAt)) {
            TokenResponse tokens = new TokensApi(clients.auth(null))
                    .login(new LoginRequest().email(email).password(password));
            accessToken = tokens.getAccessToken();
            renewAt = Instant.now().plusSeconds(tokens.getExpiresIn()).minus(RENEW_BEFORE_EXPIRY);
        }
        return accessToken;
    }

    /** auth-service's client (AccountApi, TokensApi, UsersApi, KeysApi) as this user. */
    public dev.polyglot.client.auth.ApiClient auth() {
        return clients.auth(this::accessToken);
    }

    /** inference-bridge's client (PredictionsApi, JobsApi, ModelApi) as this user. */
    public dev.polyglot.client.inference.ApiClient inference() {
        return clients.inference(this::accessToken);
    }

    /** reporting-bridge's client (ReportsApi) as this user. */
    public dev.polyglot.client.reporting.ApiClient reporting() {
        return clients.reporting(this::accessToken);
    }

    /** notification-service's client (HistoryApi, LiveApi, BroadcastApi) as this user. */
    public dev.polyglot.client.notification.ApiClient notification() {
        return clients.notification(this::accessToken);
    }

    @Override
    public String toString() {
        return "SandboxUser[" + email + ", " + role + ", " + id + "]";
    }
}
