package dev.polyglot.auth.users;

import dev.polyglot.auth.problem.AuthProblem;
import dev.polyglot.auth.security.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** register and me. */
@RestController
class AccountController {

    private final UserService users;
    private final String prefix;

    AccountController(UserService users, @Value("${service-kit.api-prefix}") String prefix) {
        this.users = users;
        this.prefix = prefix;
    }

    @Schema(name = "CreateUserRequest")
    record CreateUserRequest(
            @NotNull @Email @Size(max = 254) String email,
            // 2..100 characters (code points, as JSON Schema counts) after trimming: checked by UserService.
            @NotNull @Schema(minLength = 2, maxLength = 100) String name,
            @NotNull @Size(min = 12, max = 128) String password,
            Role role) {

        CreateUserRequest {
            email = email == null ? null : email.strip(); // normalised before it is validated (case: UserService)
        }
    }

    @Operation(operationId = "registerUser", tags = "account", summary = "Create an account",
            security = {@SecurityRequirement(name = "bearer_auth")})
    @ResponseStatus(HttpStatus.CREATED)
    @PostMapping(path = "${service-kit.api-prefix}/register", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<UserView> register(@Valid @RequestBody CreateUserRequest body) {
        Role role = body.role() == null ? Role.user : body.role();
        if (role == Role.admin && !(CurrentUser.isAdmin() && CurrentUser.id().map(users::isAdminNow).orElse(false))) {
            throw AuthProblem.forbidden("Only an admin can create an admin account.");
        }
        User user = users.create(body.email(), body.name(), body.password(), role);
        return ResponseEntity.created(URI.create(prefix + "/users/" + user.id())).body(user.view());
    }

    @Operation(operationId = "getCurrentUser", tags = "account", summary = "The signed-in user",
            security = {@SecurityRequirement(name = "bearer_auth")})
    @GetMapping(path = "${service-kit.api-prefix}/me", produces = MediaType.APPLICATION_JSON_VALUE)
    UserView me() {
        UUID id = CurrentUser.id().orElseThrow(() -> AuthProblem.unauthorized("A valid bearer access token is required."));
        try {
            return users.get(id).view();
        } catch (AuthProblem deleted) {
            throw AuthProblem.unauthorized("The account of this token no longer exists.");
        }
    }
}
