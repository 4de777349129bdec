package dev.polyglot.gateway.edge;

import dev.polyglot.contracts.ProblemType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ResponseStatusException;

/**
 * A request the edge itself refuses, as one of the contract's problem types (contracts/problems/problem-types.yaml):
 * the kit's problem handler answers it as problem+json with that type's URI, title and status, this reason as the
 * detail, and these headers (Retry-After, RateLimit-*).
 */
public class EdgeRejection extends ResponseStatusException {

    private final HttpHeaders headers;

    public EdgeRejection(ProblemType type, String detail, HttpHeaders headers) {
        super(HttpStatusCode.valueOf(type.status()), detail);
        setType(type.uri());
        setTitle(type.title());
        this.headers = HttpHeaders.readOnlyHttpHeaders(headers);
    }

    public EdgeRejection(ProblemType type, String detail) {
        this(type, detail, new HttpHeaders());
    }

    @Override
    public HttpHeaders getHeaders() {
        return headers;
    }
}
