package dev.polyglot.gateway.edge;

import java.util.List;
import java.util.Locale;
import java.util.Set;
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

    static final List<String> ADMIN_PATHS = List.of("/api/auth/users", "/api/auth/users/**");
    static final List<String> ADMIN_POST_PATHS = List.of("/api/notifications/broadcast");
    static final List<String> SIGNED_IN_PATHS = List.of("/api/**", "/actuator/**");

    // The methods of RFC 9110 that a path can serve, passed on like any other request: the service behind knows which
    // methods a path serves and answers the rest 405 with that path's Allow (no service of the platform serves TRACE,
    // none echoes a request, so TRACE gives a 405 problem, not a reflected Authorization header). CONNECT asks for a
    // tunnel to an authority, never a path, and any other method is none of the standard's: 400 bad-request
    // (contracts/problems/problem-types.yaml).
    private static final Set<HttpMethod> METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST,
            HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS, HttpMethod.TRACE);
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
        if (!METHODS.contains(method)) {
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
