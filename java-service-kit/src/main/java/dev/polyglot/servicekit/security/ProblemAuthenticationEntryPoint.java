package dev.polyglot.servicekit.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/** Spring MVC: 401 and 403 as problem+json with a Bearer challenge (see {@link SecurityProblems}). */
public final class ProblemAuthenticationEntryPoint implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final SecurityProblems problems;

    public ProblemAuthenticationEntryPoint(SecurityProblems problems) {
        this.problems = problems;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        write(response, 401, SecurityProblems.unauthorizedChallenge(failure),
                problems.unauthorized(failure, request.getRequestURI()));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        write(response, 403, SecurityProblems.forbiddenChallenge(), problems.forbidden(request.getRequestURI()));
    }

    private static void write(HttpServletResponse response, int status, String challenge, byte[] body)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(status);
        response.setHeader(SecurityProblems.WWW_AUTHENTICATE, challenge);
        response.setContentType(SecurityProblems.PROBLEM_JSON);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
