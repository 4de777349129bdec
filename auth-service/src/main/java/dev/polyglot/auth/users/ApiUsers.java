package dev.polyglot.auth.users;

import java.time.ZoneOffset;

/**
 * Between the domain's users and roles and the contract's (generated from contracts/openapi/auth.yaml). The domain
 * keeps its own {@link Role}: its constant names are the spelling of the database column and of the token's
 * {@code roles} claim; the wire spelling is the same word.
 */
final class ApiUsers {

    private ApiUsers() {
    }

    /** The contract's User: never the password hash. */
    static dev.polyglot.auth.api.model.User of(User user) {
        return new dev.polyglot.auth.api.model.User()
                .id(user.id())
                .email(user.email())
                .name(user.name())
                .role(role(user.role()))
                .createdAt(user.createdAt().atOffset(ZoneOffset.UTC))
                .updatedAt(user.updatedAt().atOffset(ZoneOffset.UTC));
    }

    static dev.polyglot.auth.api.model.Role role(Role role) {
        return dev.polyglot.auth.api.model.Role.fromValue(role.name());
    }

    static Role role(dev.polyglot.auth.api.model.Role role) {
        return Role.valueOf(role.getValue());
    }
}
