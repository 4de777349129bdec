package dev.polyglot.auth.users;

import dev.polyglot.auth.api.AccountApi;
import dev.polyglot.auth.api.model.CreateUserRequest;
import dev.polyglot.auth.problem.AuthProblem;
import dev.polyglot.auth.security.CurrentUser;
import java.net.URI;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.InitBinder;
import org.springframework.web.bind.annotation.RestController;

/** register and me: contracts/openapi/auth.yaml, tag account. */
@RestController
class AccountController implements AccountApi {

    private final UserService users;
    private final Passwords passwords;
    private final String prefix;

    AccountController(UserService users, Passwords passwords, @Value("${service-kit.api-prefix}") String prefix) {
        this.users = users;
        this.passwords = passwords;
        this.prefix = prefix;
    }

    /**
     * The one account rule the contract's schema cannot state (a password is not a common one), checked with the
     * schema's constraints so that one answer lists every invalid member.
     */
    @InitBinder("createUserRequest")
    void accountRules(WebDataBinder binder) {
        binder.addValidators(new Validator() {
            @Override
            public boolean supports(Class<?> type) {
                return CreateUserRequest.class.equals(type);
            }

            @Override
            public void validate(Object target, Errors errors) {
                CreateUserRequest request = (CreateUserRequest) target;
                if (request.getPassword() != null && !errors.hasFieldErrors("password")
                        && passwords.isCommon(request.getPassword())) {
                    errors.rejectValue("password", "CommonPassword", UserService.COMMON_PASSWORD);
                }
            }
        });
    }

    @Override
    public ResponseEntity<dev.polyglot.auth.api.model.User> registerUser(CreateUserRequest request) {
        Role role = request.getRole() == null ? Role.user : ApiUsers.role(request.getRole());
        if (role == Role.admin && !(CurrentUser.isAdmin() && CurrentUser.id().map(users::isAdminNow).orElse(false))) {
            throw AuthProblem.forbidden("Only an admin can create an admin account.");
        }
        User user = users.create(request.getEmail(), request.getName(), request.getPassword(), role);
        return ResponseEntity.created(URI.create(prefix + "/users/" + user.id())).body(ApiUsers.of(user));
    }

    @Override
    public ResponseEntity<dev.polyglot.auth.api.model.User> getCurrentUser() {
        UUID id = CurrentUser.id().orElseThrow(() -> AuthProblem.unauthorized("A valid bearer access token is required."));
        try {
            return ResponseEntity.ok(ApiUsers.of(users.get(id)));
        } catch (AuthProblem deleted) {
            throw AuthProblem.unauthorized("The account of this token no longer exists.");
        }
    }
}
