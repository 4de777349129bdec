package dev.polyglot.auth.users;

import dev.polyglot.auth.api.UsersApi;
import dev.polyglot.auth.api.model.UpdateUserRequest;
import dev.polyglot.auth.api.model.UserPage;
import dev.polyglot.auth.problem.AuthProblem;
import dev.polyglot.auth.security.CurrentUser;
import dev.polyglot.servicekit.problem.InvalidInputException;
import dev.polyglot.servicekit.problem.RequestPointer;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

/** User administration (contracts/openapi/auth.yaml, tag users); the security chain lets only admins in. */
@RestController
class UsersController implements UsersApi {

    private final UserService users;

    UsersController(UserService users) {
        this.users = users;
    }

    @Override
    public ResponseEntity<UserPage> listUsers(Integer page, Integer size, @Nullable String email,
                                              dev.polyglot.auth.api.model.@Nullable Role role) {
        actor();
        UserService.Page result = users.list(email, role == null ? null : ApiUsers.role(role), page, size);
        return ResponseEntity.ok(new UserPage(result.items().stream().map(ApiUsers::of).toList(), page, size,
                Math.toIntExact(result.totalItems()), Math.toIntExact((result.totalItems() + size - 1) / size)));
    }

    @Override
    public ResponseEntity<dev.polyglot.auth.api.model.User> getUser(UUID id) {
        actor();
        return ResponseEntity.ok(ApiUsers.of(users.get(id)));
    }

    @Override
    public ResponseEntity<dev.polyglot.auth.api.model.User> updateUser(UUID id, UpdateUserRequest request) {
        // UpdateUserRequest's minProperties: 1, which the generated model does not carry.
        if (request.getName() == null && request.getRole() == null) {
            throw new InvalidInputException(RequestPointer.BODY.to(), "must have at least one of name and role");
        }
        Role role = request.getRole() == null ? null : ApiUsers.role(request.getRole());
        return ResponseEntity.ok(ApiUsers.of(users.update(id, request.getName(), role, actor())));
    }

    @Override
    public ResponseEntity<Void> deleteUser(UUID id) {
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
