package dev.polyglot.servicekit.problem;

import java.net.ConnectException;
import java.util.List;
import org.redisson.RedissonShutdownException;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisRetryException;
import org.redisson.client.RedisTimeoutException;

/**
 * The failures that mean a dependency (Redis, another service) cannot answer right now, rather than that the request
 * or the code is wrong: the answer is a 503 with {@code Retry-After: 1}, the platform's convention for a dependency
 * that is down (the gateway says the same for a service it cannot reach), so that a client tries again rather than
 * giving up. Other Redis errors (a command Redis refuses, a wrong type) stay 500s: trying again would not help.
 */
final class UnavailableDependency {

    /** Whole seconds: a dependency that restarts is usually back within a second, and a client must not hammer it. */
    static final String RETRY_AFTER_SECONDS = "1";

    private static final List<Class<? extends Throwable>> FAILURES = List.of(
            ConnectException.class,           // a refused connection, to any dependency
            RedisConnectionException.class,   // Redisson cannot connect, or cannot write the command
            RedisTimeoutException.class,      // Redis did not answer in time (a cut link, a stalled server)
            RedisRetryException.class,        // LOADING, BUSY, TRYAGAIN, MASTERDOWN: Redis says to try again
            RedissonShutdownException.class); // this service is stopping: another instance can answer

    private UnavailableDependency() {
    }

    static boolean explains(Throwable error) {
        for (Throwable current = error; current != null; current = current.getCause()) {
            for (Class<? extends Throwable> failure : FAILURES) {
                if (failure.isInstance(current)) {
                    return true;
                }
            }
        }
        return false;
    }
}
