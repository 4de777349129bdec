package dev.polyglot.auth.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Says at startup whether a bootstrap admin (ADMIN_EMAIL and ADMIN_PASSWORD) is configured, naming the
 * email only. Creating the account belongs to user management, which is not built yet.
 */
@Component
class BootstrapAdminNotice implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(BootstrapAdminNotice.class);

    private final String email;
    private final boolean passwordSet;

    BootstrapAdminNotice(@Value("${ADMIN_EMAIL:}") String email, @Value("${ADMIN_PASSWORD:}") String password) {
        this.email = email;
        this.passwordSet = !password.isEmpty();
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!email.isBlank() && passwordSet) {
            log.info("Bootstrap admin configured: {}", email);
        } else if (!email.isBlank() || passwordSet) {
            log.warn("No bootstrap admin: ADMIN_EMAIL and ADMIN_PASSWORD must both be set");
        }
    }
}
