package dev.polyglot.gateway.edge;

import dev.polyglot.contracts.ProblemType;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import reactor.netty.http.client.PrematureCloseException;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.cloud.gateway.support.ServiceUnavailableException;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Names the gateway's own failures before the kit's problem handler (order -1) writes them: an open circuit breaker
 * is a 503 with Retry-After (when to try again: the breaker's open time), a breaker's time limit a 504, a service
 * that closed or reset the connection before it answered (it crashed mid-request, or a proxy in between could not
 * reach it) a 502: the gateway got no answer, which is not an error of its own (the kit's default for an unknown
 * exception is a 500). A refused connection stays the kit's 503 (nothing listens: the service is down). Everything
 * else passes through unchanged.
 */
@Order(-2)
public class GatewayFailures implements ErrorWebExceptionHandler {

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
        if (causeOf(error, PrematureCloseException.class)
                || (causeOf(error, IOException.class) && !causeOf(error, ConnectException.class))) {
            return Mono.error(new EdgeRejection(ProblemType.BAD_GATEWAY,
                    "The service behind this path closed the connection without answering."));
        }
        if (error instanceof TimeoutException) {
            return Mono.error(new EdgeRejection(ProblemType.GATEWAY_TIMEOUT,
                    "A service needed to answer this request did not answer in time."));
        }
        return Mono.error(error);
    }

    private static boolean causeOf(Throwable error, Class<? extends Throwable> type) {
        for (Throwable current = error; current != null; current = current.getCause()) {
            if (type.isInstance(current)) {
                return true;
            }
        }
        return false;
    }
}
