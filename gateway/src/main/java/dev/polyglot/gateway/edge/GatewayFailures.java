package dev.polyglot.gateway.edge;

import dev.polyglot.contracts.ProblemType;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.cloud.gateway.support.ServiceUnavailableException;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Names the gateway's own failures before the kit's problem handler (order -1) writes them, so that no failure of a
 * service reads as a 500 of the gateway's own:
 * <ul>
 *   <li>an open circuit breaker: 503 with Retry-After, the breaker's open time;</li>
 *   <li>a refused connection (nothing listens: the service is down or restarting): 503 with Retry-After of one
 *       second, since nothing says how long it stays away;</li>
 *   <li>a service that closed or reset the connection before it answered (it crashed mid-request, or a proxy in
 *       between could not reach it): 502, the gateway got no answer;</li>
 *   <li>a breaker's time limit: 504.</li>
 * </ul>
 * Everything else passes through unchanged.
 */
@Order(-2)
public class GatewayFailures implements ErrorWebExceptionHandler {

    /** A refused connection, or a Redis that does not answer, says nothing about how long it stays away. */
    public static final String UNREACHABLE_RETRY_AFTER_SECONDS = "1";

    private final Duration retryAfter;

    public GatewayFailures(Duration retryAfter) {
        this.retryAfter = retryAfter;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (error instanceof CallNotPermittedException || error instanceof ServiceUnavailableException) {
            return Mono.error(new EdgeRejection(ProblemType.SERVICE_UNAVAILABLE,
                    "The service behind this path is failing; the gateway stops calling it for a while.",
                    retryAfter(Long.toString(Math.max(1, retryAfter.toSeconds())))));
        }
        if (causeOf(error, ConnectException.class)) {
            return Mono.error(new EdgeRejection(ProblemType.SERVICE_UNAVAILABLE,
                    "The service behind this path could not be reached.", retryAfter(UNREACHABLE_RETRY_AFTER_SECONDS)));
        }
        if (causeOf(error, PrematureCloseException.class) || causeOf(error, AbortedException.class)
                || causeOf(error, IOException.class)) {
            return Mono.error(new EdgeRejection(ProblemType.BAD_GATEWAY,
                    "The service behind this path closed the connection without answering."));
        }
        if (error instanceof TimeoutException) {
            return Mono.error(new EdgeRejection(ProblemType.GATEWAY_TIMEOUT,
                    "A service needed to answer this request did not answer in time."));
        }
        return Mono.error(error);
    }

    public static HttpHeaders retryAfter(String seconds) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, seconds);
        return headers;
    }

    private static boolean causeOf(Throwable error, Class<? extends Throwable> type) {
        for (Throwable current = error; current != null; current = current.getCause() == current ? null : current.getCause()) {
            if (type.isInstance(current)) {
                return true;
            }
        }
        return false;
    }
}
