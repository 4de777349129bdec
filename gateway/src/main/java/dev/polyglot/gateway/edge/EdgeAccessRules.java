package dev.polyglot.gateway.edge;

import dev.polyglot.servicekit.web.AnsweredMethods;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Who may call what at the edge. Every API path needs a valid access token except the public ones; the admin-only
 * paths need the admin role; everything outside /api/** and /actuator/** (the console, docs, unknown paths) needs
 * none. The first rule that matches decides, in this order: public, admin-only, signed-in, open.
 *
 * <p>The rules match the path as sent; a service behind may decode and normalize it (Tomcat resolves {@code /../},
 * uvicorn decodes {@code %2F}), so a path whose meaning could change on the way is refused before any rule is read:
 * the same list Spring Security's StrictServerWebExchangeFirewall refuses, and only the standard methods.
 */
final class EdgeAccessRules {

    /** What a request needs before it may pass. */
    enum Access { OPEN, SIGNED_IN, ADMIN }

    /** Reachable without a token. */
    static final List<String> PUBLIC_PATHS = List.of(
            "/api/auth/register", "/api/auth/login", "/api/auth/refresh", "/api/auth/logout",
            "/api/auth/.well-known/jwks.json", "/api/*/service-info", "/api/gateway/**",
            "/docs", "/docs/**", "/redoc", "/redoc/**", "/v3/api-docs", "/v3/api-docs/**", "/webjars/**",
            "/actuator/health", "/actuator/health/**", "/actuator/info", "/actuator/prometheus",
            "/ws/**", "/error");

    static final List<String> ADMIN_PATHS = List.of("/api/auth/users", "/api/auth/users/**", "/api/operations/**");
    static final List<String> ADMIN_POST_PATHS = List.of("/api/notifications/broadcast");
    static final List<String> SIGNED_IN_PATHS = List.of("/api/**", "/actuator/**");

    // Encoded separators, dots and percent signs, semicolons (path parameters), NUL and line breaks, backslashes,
    // and empty segments: lower case, the raw path is compared lower-cased.
    private static final List<String> UNSAFE_IN_PATH = List.of("%2f", "%5c", "%2e", "%25", ";", "%3b", "%00", "%0a",
            "%0d", "\\", "//");

    private final List<PathPattern> publicPaths = parse(PUBLIC_PATHS);
    private final List<PathPattern> adminPaths = parse(ADMIN_PATHS);
    private final List<PathPattern> adminPostPaths = parse(ADMIN_POST_PATHS);
    private final List<PathPattern> signedInPaths = parse(SIGNED_IN_PATHS);

    Access access(HttpMethod method, PathContainer path) {
        if (matches(publicPaths, path)) {
            return Access.OPEN;
        }
        if (matches(adminPaths, path) || HttpMethod.POST.equals(method) && matches(adminPostPaths, path)) {
            return Access.ADMIN;
        }
        return matches(signedInPaths, path) ? Access.SIGNED_IN : Access.OPEN;
    }

    /** Why this request is refused before any rule is read, or null if it is not. */
    String refusal(HttpMethod method, String rawPath) {
        // A method a path can serve (TRACE and QUERY included) is passed on: the service behind knows which ones a path
        // serves and answers the rest 405 with its Allow. Any other is none of the standards': 400 bad-request
        // (contracts/problems/problem-types.yaml). The services' firewalls let the same list through.
        if (!AnsweredMethods.contains(method)) {
            return "The method " + method.name() + " is not allowed.";
        }
        String lower = rawPath.toLowerCase(Locale.ROOT);
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return "The path contains a character that must not appear in it.";
            }
        }
        for (String unsafe : UNSAFE_IN_PATH) {
            if (lower.contains(unsafe)) {
                return "The path contains '" + unsafe + "', which a service could read differently.";
            }
        }
        if (lower.contains("/./") || lower.contains("/../") || lower.endsWith("/.") || lower.endsWith("/..")) {
            return "The path contains a dot segment ('.' or '..').";
        }
        return null;
    }

    private static boolean matches(List<PathPattern> patterns, PathContainer path) {
        for (PathPattern pattern : patterns) {
            if (pattern.matches(path)) {
                return true;
            }
        }
        return false;
    }

    private static List<PathPattern> parse(List<String> patterns) {
        return patterns.stream().map(PathPatternParser.defaultInstance::parse).toList();
    }
}
