package dev.polyglot.auth.users;

import dev.polyglot.auth.outbox.Outbox;
import dev.polyglot.auth.problem.AuthProblem;
import dev.polyglot.contracts.events.UserDeleted;
import dev.polyglot.contracts.events.UserRegistered;
import dev.polyglot.contracts.events.UserRoleChanged;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Accounts: creation, changes and deletion, each with its event written to the outbox in the same transaction. */
@Service
public class UserService {

    private final UserRepository users;
    private final Passwords passwords;
    private final Outbox outbox;

    UserService(UserRepository users, Passwords passwords, Outbox outbox) {
        this.users = users;
        this.passwords = passwords;
        this.outbox = outbox;
    }

    /** Trimmed and lower-cased: the form emails are stored, compared and looked up in. */
    public static String normaliseEmail(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }

    static final String COMMON_PASSWORD = "is one of the most common passwords; choose another";

    static void checkPassword(String password) {
        if (password.length() < Passwords.MIN_LENGTH) {
            throw AuthProblem.validation("/body/password", "size must be between 12 and 128");
        }
    }

    /**
     * Creates an account and writes {@code user.registered}.
     *
     * <p>The name is stored as written: what the contract allows (CreateUserRequest's constraints, checked before the
     * request reaches a handler) is a valid name.
     *
     * @throws AuthProblem 409 when the email is taken, 422 when the password breaks the policy
     */
    @Transactional
    public User create(String email, String name, String password, Role role) {
        checkPassword(password);
        if (passwords.isCommon(password)) {
            throw AuthProblem.validation("/body/password", COMMON_PASSWORD);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS); // what both databases store exactly
        User user = new User(UUID.randomUUID(), normaliseEmail(email), name, passwords.hash(password), role,
                now, now);
        try {
            users.insert(user);
        } catch (DuplicateKeyException taken) {
            throw AuthProblem.conflict("A user with this email already exists.");
        }
        UserRegistered registered = new UserRegistered();
        registered.setUserId(user.id());
        registered.setEmail(user.email());
        registered.setName(user.name());
        registered.setRole(UserRegistered.Role.fromValue(user.role().name()));
        registered.setRegisteredAt(now);
        outbox.add(registered, user.id().toString(), now);
        return user;
    }

    /**
     * The token's roles are as they were when it was issued (up to ACCESS_TOKEN_TTL ago): for administration
     * auth-service also asks its database, so a demoted or deleted admin's token stops working here at once.
     */
    public boolean isAdminNow(UUID id) {
        return users.findById(id).map(user -> user.role() == Role.admin).orElse(false);
    }

    public User get(UUID id) {
        return users.findById(id).orElseThrow(() -> AuthProblem.notFound("No user has id " + id + "."));
    }

    public record Page(List<User> items, int page, int size, long totalItems) {
    }

    public Page list(@Nullable String emailContains, @Nullable Role role, int page, int size) {
        long total = users.count(emailContains, role);
        long offset = (long) page * size;
        List<User> items = offset >= total ? List.of() : users.page(emailContains, role, (int) offset, size);
        return new Page(items, page, size, total);
    }

    /**
     * Changes name (stored as written, like {@link #create}'s) and/or role; a role change writes
     * {@code user.role_changed}. The last admin cannot be demoted, and an admin cannot demote themself.
     */
    @Transactional
    public User update(UUID id, @Nullable String name, @Nullable Role role, UUID actor) {
        boolean demotingAdmin = role != null && role != Role.admin;
        long admins = demotingAdmin ? users.lockAdminsAndCount() : -1;
        User user = get(id);
        Role newRole = role == null ? user.role() : role;
        if (user.role() == Role.admin && newRole != Role.admin) {
            if (user.id().equals(actor)) {
                throw AuthProblem.conflict("An admin cannot demote themself; another admin can.");
            }
            if (admins <= 1) {
                throw AuthProblem.conflict("This is the last admin; promote another user first.");
            }
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        users.update(id, name == null ? user.name() : name, newRole, now);
        if (newRole != user.role()) {
            UserRoleChanged changed = new UserRoleChanged();
            changed.setUserId(id);
            changed.setOldRole(UserRoleChanged.OldRole.fromValue(user.role().name()));
            changed.setNewRole(UserRoleChanged.NewRole.fromValue(newRole.name()));
            changed.setChangedBy(actor);
            changed.setChangedAt(now);
            outbox.add(changed, id.toString(), now);
        }
        return get(id);
    }

    /** Deletes an account (its refresh tokens go with it) and writes {@code user.deleted}; never the last admin. */
    @Transactional
    public void delete(UUID id, UUID actor) {
        long admins = users.lockAdminsAndCount();
        User user = get(id);
        if (user.role() == Role.admin && admins <= 1) {
            throw AuthProblem.conflict("This is the last admin and cannot be deleted.");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        users.delete(id);
        UserDeleted deleted = new UserDeleted();
        deleted.setUserId(id);
        deleted.setDeletedBy(actor);
        deleted.setDeletedAt(now);
        outbox.add(deleted, id.toString(), now);
    }
}
