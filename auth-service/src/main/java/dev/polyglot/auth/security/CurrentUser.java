package dev.polyglot.auth.security;

import java.util.Optional;
import java.util.UUID;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** Who sent the request, from its verified access token. */
public final class CurrentUser {

    private CurrentUser() {
    }

    public static Optional<JwtAuthenticationToken> token() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication instanceof JwtAuthenticationToken jwt ? Optional.of(jwt) : Optional.empty();
    }

    public static Optional<UUID> id() {
        return token().map(jwt -> {
            try {
                return UUID.fromString(jwt.getToken().getSubject());
            } catch (IllegalArgumentException notAUuid) {
                return null;
            }
        });
    }

    public static boolean isAdmin() {
        return token().map(jwt -> jwt.getAuthorities().stream()
                .anyMatch(authority -> "ROLE_admin".equals(authority.getAuthority()))).orElse(false);
    }
}
