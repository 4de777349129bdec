package dev.polyglot.gateway.edge;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * A request the edge itself refuses. The kit's problem handler answers it as problem+json with this reason as the
 * detail and these headers (Retry-After, RateLimit-*).
 */
public class EdgeRejection extends ResponseStatusException {

    private final HttpHeaders headers;

    public EdgeRejection(HttpStatus status, String detail, HttpHeaders headers) {
        super(status, detail);
        this.headers = HttpHeaders.readOnlyHttpHeaders(headers);
    }

    public EdgeRejection(HttpStatus status, String detail) {
        this(status, detail, new HttpHeaders());
    }

    @Override
    public HttpHeaders getHeaders() {
        return headers;
    }
}
