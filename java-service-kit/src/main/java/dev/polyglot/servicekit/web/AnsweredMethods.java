package dev.polyglot.servicekit.web;

import java.util.Set;
import org.springframework.http.HttpMethod;

/**
 * The HTTP methods a request may carry into the platform, at the gateway and in every Java service: the methods a
 * path can serve, so that the application, which knows which ones a path serves, answers any other 405 with that
 * path's Allow (what HTTP asks, and what a client or a fuzzer probing a path expects). Any other method is refused
 * with a 400 bad-request before it reaches an application.
 *
 * <p>The methods of RFC 9110 less CONNECT (a tunnel to an authority, never a path), PATCH (RFC 5789), and QUERY, the
 * safe method with a body (draft-ietf-httpbis-safe-method-w-body; OpenAPI 3.2 has query operations). No service of
 * the platform serves TRACE or echoes a request, so a TRACE is a 405 problem, never a reflected Authorization header.
 */
public final class AnsweredMethods {

    /** Spring Framework 7.0 has no constant for it yet. */
    public static final HttpMethod QUERY = HttpMethod.valueOf("QUERY");

    public static final Set<HttpMethod> ALL = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT,
            HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS, HttpMethod.TRACE, QUERY);

    private AnsweredMethods() {
    }

    public static boolean contains(HttpMethod method) {
        return ALL.contains(method);
    }
}
