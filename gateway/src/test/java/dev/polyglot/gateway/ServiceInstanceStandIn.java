package dev.polyglot.gateway;

import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * One instance of a service, as the gateway sees it: a plain Reactor Netty server on a port of its own that names
 * itself in every answer (plain HTTP, the notification event stream, the notification WebSocket), answers its health
 * paths (the Java services' readiness, the Python services' /health) with 200 or 503 as {@link #ready} says, and can
 * be stopped (its port then refuses connections) and started again on the same port.
 */
final class ServiceInstanceStandIn implements AutoCloseable {

    final String name;
    volatile boolean ready = true;
    /** Closes each connection a request arrives on without answering, as a process killed with the request in flight
     * (or a pooled connection to a dead one) does: with a FIN, or (resets) with a RST. */
    volatile boolean closesWithoutAnswering;
    volatile boolean resets;
    final AtomicInteger served = new AtomicInteger();
    final AtomicInteger healthChecks = new AtomicInteger();
    private final int port;
    private volatile DisposableServer server;

    ServiceInstanceStandIn(String name) {
        this.name = name;
        this.server = bind(0);
        this.port = server.port();
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Stops listening: a connection to its port is refused, as for a crashed or stopped instance. */
    void stop() {
        server.disposeNow();
    }

    void start() {
        server = bind(port);
    }

    @Override
    public void close() {
        server.disposeNow();
    }

    private DisposableServer bind(int onPort) {
        return HttpServer.create().host("127.0.0.1").port(onPort)
                .route(routes -> routes
                        .get("/health", (request, response) -> health(response))
                        .get("/actuator/health/readiness", (request, response) -> health(response))
                        .get("/api/notifications/stream", (request, response) -> {
                            served.incrementAndGet();
                            return response.header("Content-Type", "text/event-stream")
                                    .sendString(Flux.interval(Duration.ZERO, Duration.ofMillis(100))
                                            .map(tick -> "data: " + name + "\n\n"));
                        })
                        .ws("/ws/notifications", (inbound, outbound) -> {
                            served.incrementAndGet();
                            return outbound.sendString(Mono.just("hello from " + name))
                                    .then(inbound.receive().then());
                        })
                        .route(request -> true, (request, response) -> {
                            if (closesWithoutAnswering) {
                                return response.withConnection(connection -> {
                                    if (resets) {
                                        connection.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                                    }
                                    connection.dispose();
                                }).then();
                            }
                            served.incrementAndGet();
                            return response.header("Content-Type", "application/json")
                                    .sendString(Mono.just("{\"instance\": \"" + name + "\"}"));
                        }))
                .bindNow();
    }

    private Mono<Void> health(reactor.netty.http.server.HttpServerResponse response) {
        healthChecks.incrementAndGet();
        return response.status(ready ? 200 : 503).sendString(Mono.just(ready ? "{\"status\":\"UP\"}" : "{}")).then();
    }
}
