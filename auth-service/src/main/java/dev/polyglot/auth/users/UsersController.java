package dev.polyglot.auth.users;

import dev.polyglot.auth.problem.AuthProblem;
import dev.polyglot.auth.security.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** User administration; the security chain lets only admins in. */
@RestController
class UsersController {

    private final UserService users;

    UsersController(UserService users) {
        this.users = users;
    }

    @Schema(name = "UserPage")
    record UserPage(@NotNull List<UserView> items, @NotNull Integer page, @NotNull Integer size,
                    @NotNull Long totalItems, @NotNull Long totalPages) {
    }

    @Schema(name = "UpdateUserRequest")
    record UpdateUserRequest(@Schema(minLength = 2, maxLength = 100) String name, Role role) {
    }

    @Operation(operationId = "listUsers", tags = "users", summary = "Users, a page at a time (admin)",
            security = {@SecurityRequirement(name = "bearer_auth")})
    @GetMapping(path = "${service-kit.api-prefix}/users", produces = MediaType.APPLICATION_JSON_VALUE)
    UserPage list(@RequestParam(defaultValue = "0") @Min(0) Integer page,
                  @RequestParam(defaultValue = "20") @Min(1) @Max(100) Integer size,
                  @RequestParam(required = false) @Size(min = 1, max = 254) String email,
                  @RequestParam(required = false) Role role) {
        actor();
        UserService.Page result = users.list(email, role, page, size);
        return new UserPage(result.items().stream().map(User::view).toList(), page, size, result.totalItems(),
                (result.totalItems() + size - 1) / size);
    }

    @Operation(operationId = "getUser", tags = "users", summary = "One user (admin)",
            security = {@SecurityRequirement(name = "bearer_auth")})
    @GetMapping(path = "${service-kit.api-prefix}/users/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    UserView get(@PathVariable UUID id) {
        actor();
        return users.get(id).view();
    }

    @Operation(operationId = "updateUser", tags = "users", summary = "Change a user's role or name (admin)",
            security = {@SecurityRequirement(name = "bearer_auth")})
    @PatchMapping(path = "${service-kit.api-prefix}/users/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    UserView update(@PathVariable UUID id, @Valid @RequestBody UpdateUserRequest body) {
        if (body.name() == null && body.role() == null) {
            throw AuthProblem.validation("/body", "at least one of name and role is required");
        }
        return users.update(id, body.name(), body.role(), actor()).view();
    }

    @Operation(operationId = "deleteUser", tags = "users", summary = "Delete a user (admin)",
            security = {@SecurityRequirement(name = "bearer_auth")})
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @DeleteMapping(path = "${service-kit.api-prefix}/users/{id}")
    ResponseEntity<Void> delete(@PathVariable UUID id) {
        users.delete(id, actor());
        return ResponseEntity.noContent().build();
    }

    /** The admin sending the request: the security chain checked the token's role, this checks it is still so. */
    private UUID actor() {
        UUID id = CurrentUser.id().orElseThrow(() -> AuthProblem.unauthorized("A valid bearer access token is required."));
        if (!users.isAdminNow(id)) {
            throw AuthProblem.forbidden("This operation needs the admin role.");
        }
        return id;
    }
}
