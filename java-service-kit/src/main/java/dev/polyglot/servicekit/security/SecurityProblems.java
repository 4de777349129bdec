package dev.polyglot.servicekit.security;

import dev.polyglot.contracts.ProblemType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bodies and challenges of the kit's 401 and 403: RFC 9457 problems with the types the contracts name and the
 * same wording as the Python services' (service_kit.auth), and RFC 6750 {@code WWW-Authenticate: Bearer} challenges.
 */
public final class SecurityProblems {

    public static final String PROBLEM_JSON = "application/problem+json";
    public static final String WWW_AUTHENTICATE = "WWW-Authenticate";

    private final JsonMapper jsonMapper;

    public SecurityProblems(JsonMapper jsonMapper) {
        this.jsonMapper = jsonMapper;
    }

    /** A request without a bearer token gets a bare challenge; one with a token that failed, invalid_token. */
    public static boolean tokenWasPresented(AuthenticationException failure) {
        return failure instanceof OAuth2AuthenticationException;
    }

    public static String unauthorizedChallenge(AuthenticationException failure) {
        return tokenWasPresented(failure) ? "Bearer error=\"invalid_token\"" : "Bearer";
    }

    public static String forbiddenChallenge() {
        return "Bearer error=\"insufficient_scope\"";
    }

    public byte[] unauthorized(AuthenticationException failure, String path) {
        return problem(ProblemType.UNAUTHORIZED, tokenWasPresented(failure)
                ? "The access token is invalid or expired." : "A bearer access token is required.", path);
    }

    public byte[] forbidden(String path) {
        return problem(ProblemType.FORBIDDEN, "Your role does not allow this.", path);
    }

    private byte[] problem(ProblemType type, String detail, String path) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", type.uri().toString());
        problem.put("title", type.title());
        problem.put("status", type.status());
        problem.put("detail", detail);
        problem.put("instance", path);
        return jsonMapper.writeValueAsBytes(problem);
    }
}
