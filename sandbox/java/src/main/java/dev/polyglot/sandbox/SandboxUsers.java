package dev.polyglot.sandbox;

import dev.polyglot.client.auth.api.AccountApi;
import dev.polyglot.client.auth.api.TokensApi;
import dev.polyglot.client.auth.api.UsersApi;
import dev.polyglot.client.auth.model.CreateUserRequest;
import dev.polyglot.client.auth.model.LoginRequest;
import dev.polyglot.client.auth.model.Role;
import dev.polyglot.client.auth.model.UpdateUserRequest;
import dev.polyglot.client.auth.model.User;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Makes users of the sandbox the way a person would: each registers through the gateway (POST /api/auth/register);
 * any role above {@code user} is then given by the platform's bootstrap admin through the admin API
 * (PATCH /api/auth/users/{id}), as an operator would; then the user signs in, so its token carries its role. No
 * account is made behind the platform's back.
 */
public final class SandboxUsers {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Sandbox sandbox;
    private final SandboxClients clients;

    SandboxUsers(Sandbox sandbox) {
        this.sandbox = sandbox;
        this.clients = new SandboxClients(sandbox.gatewayUrl());
    }

    /** A new signed-in user of role {@code user}. */
    public SandboxUser create() {
        return create(Role.USER);
    }

    /** A new signed-in user of {@code role} (USER, VIEWER or ADMIN), with a unique e-mail address. */
    public SandboxUser create(Role role) {
        String email = "sandbox-" + randomHex(6) + "@example.com";
        String password = randomHex(16);
        User registered = new AccountApi(clients.auth(null)).registerUser(
                new CreateUserRequest().email(email).name("Sandbox User").password(password));
        if (role != registered.getRole()) {
            String adminToken = new TokensApi(clients.auth(null)).login(new LoginRequest()
                    .email(sandbox.adminEmail()).password(sandbox.adminPassword())).getAccessToken();
            new UsersApi(clients.auth(() -> adminToken)).updateUser(registered.getId(),
                    new UpdateUserRequest().role(role));
        }
        SandboxUser user = new SandboxUser(registered.getId(), email, password, role, clients);
        user.accessToken(); // signed in now: a wrong setup fails here, not in the middle of the test
        return user;
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
