package dev.polyglot.gateway.edge;

import dev.polyglot.contracts.ProblemType;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.cloud.gateway.support.ServiceUnavailableException;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Names the gateway's own failures before the kit's problem handler (order -1) writes them: an open circuit breaker
 * is a 503 with Retry-After (when to try again: the breaker's open time), a breaker's time limit a 504, and a service
 * that cannot be reached or drops the connection before it answers (refused, reset, closed: an I/O error anywhere in
 * the cause chain) a 503 with Retry-After of one second, the way a restarting service is seen from the edge; without
 * this it would be the kit's 500, as if the gateway itself had failed. Everything else passes through unchanged.
 */
@Order(-2)
public class GatewayFailures implements ErrorWebExceptionHandler {

    /** A dropped connection says nothing about how long the service stays away: try again soon. */
    static final String UNREACHABLE_RETRY_AFTER_SECONDS = "1";

    private final Duration retryAfter;

    public GatewayFailures(Duration retryAfter) {
        this.retryAfter = retryAfter;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (error instanceof CallNotPermittedException || error instanceof ServiceUnavailableException) {
            HttpHeaders headers = new HttpHeaders();
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())));
            return Mono.error(new EdgeRejection(ProblemType.SERVICE_UNAVAILABLE,
                    "The service behind this path is failing; the gateway stops calling it for a while.", headers));
        }
        if (error instanceof TimeoutException) {
            return Mono.error(new EdgeRejection(ProblemType.GATEWAY_TIMEOUT,
                    "A service needed to answer this request did not answer in time."));
        }
        if (causedByIo(error)) {
            HttpHeaders headers = new HttpHeaders();
            headers.set(HttpHeaders.RETRY_AFTER, UNREACHABLE_RETRY_AFTER_SECONDS);
            return Mono.error(new EdgeRejection(ProblemType.SERVICE_UNAVAILABLE,
                    "The service behind this path could not be reached or dropped the connection.", headers));
        }
        return Mono.error(error);
    }

    private static boolean causedByIo(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
