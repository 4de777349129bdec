package dev.polyglot.auth.admin;

import dev.polyglot.auth.problem.AuthProblem;
import dev.polyglot.auth.users.Role;
import dev.polyglot.auth.users.UserRepository;
import dev.polyglot.auth.users.UserService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Creates the first admin from ADMIN_EMAIL and ADMIN_PASSWORD when no user has that email (idempotent: a later start,
 * or a second instance, finds it and changes nothing, not even a changed password or a role an admin has since
 * changed). There is no default: without both variables no admin is created. The password is never logged.
 */
@Component
class BootstrapAdmin implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(BootstrapAdmin.class);

    private final UserService userService;
    private final UserRepository users;
    private final String email;
    private final String password;

    BootstrapAdmin(UserService userService, UserRepository users, @Value("${ADMIN_EMAIL:}") String email,
                   @Value("${ADMIN_PASSWORD:}") String password) {
        this.userService = userService;
        this.users = users;
        this.email = UserService.normaliseEmail(email);
        this.password = password;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (email.isBlank() || password.isEmpty()) {
            if (!email.isBlank() || !password.isEmpty()) {
                log.warn("No bootstrap admin: ADMIN_EMAIL and ADMIN_PASSWORD must both be set");
            }
            return;
        }
        if (users.findByEmail(email).isPresent()) {
            log.info("Bootstrap admin configured: {} (the account exists; left as it is)", email);
            return;
        }
        try {
            userService.create(email, "Administrator", password, Role.admin);
            log.info("Bootstrap admin configured: {} (created)", email);
        } catch (AuthProblem refused) {
            // A conflict means another instance created it just now; anything else is the policy refusing it.
            if (users.findByEmail(email).isPresent()) {
                log.info("Bootstrap admin configured: {} (created by another instance)", email);
            } else {
                log.error("Bootstrap admin NOT created for {}: {} {}", email, refused.getMessage(),
                        refused.errors() == null ? "" : refused.errors());
            }
        }
    }
}
