package dev.polyglot.gateway;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stand-ins for the four services on one plain Reactor Netty server: every API path answers with what arrived (method,
 * URI, headers, body size), so a test sees exactly what a service would. The inference paths can be made to fail
 * slowly or to hold a request until released, as any path containing /held is; a path ending in /status-NNN answers
 * that status, one ending in /close-without-answer closes the connection instead and one ending in
 * /reset-without-answer resets it (a service that crashed mid-request); the API document paths serve a small OpenAPI
 * document. The notification WebSocket greets, then stays open, drops its connection without a close frame or closes
 * with 1001, as {@code webSocketEnd} says.
 */
final class StubServices implements AutoCloseable {

    enum Behaviour { ANSWER, TOO_SLOW, HOLD }

    /** What the notification WebSocket does after its greeting. */
    enum WebSocketEnd { STAY_OPEN, DROP_WITHOUT_CLOSE_FRAME, CLOSE_GOING_AWAY }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    volatile Behaviour inference = Behaviour.ANSWER;
    volatile WebSocketEnd webSocketEnd = WebSocketEnd.STAY_OPEN;
    volatile Duration slowness = Duration.ofSeconds(2);
    final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private volatile Sinks.Empty<Void> release = Sinks.empty();
    private final DisposableServer server;

    StubServices() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes
                        .get("/v3/api-docs", (request, response) -> openApi(response))
                        .get("/openapi.json", (request, response) -> openApi(response))
                        .ws("/ws/notifications", (inbound, outbound) -> outbound
                                .sendString(Mono.just("hello from downstream"))
                                .then(switch (webSocketEnd) {
                                    case STAY_OPEN -> inbound.receive().then();
                                    // A crashed service: the TCP connection ends, no close frame.
                                    case DROP_WITHOUT_CLOSE_FRAME -> Mono.<Void>fromRunnable(() ->
                                            inbound.withConnection(connection -> connection.channel().close()));
                                    case CLOSE_GOING_AWAY -> outbound.sendClose(1001, "restarting");
                                }))
                        .route(request -> true, this::echo))
                .bindNow();
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    int hitsOn(String prefix) {
        return hits.computeIfAbsent(prefix, key -> new AtomicInteger()).get();
    }

    int totalHits() {
        return hits.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    void releaseHeld() {
        release.tryEmitEmpty();
        release = Sinks.empty();
    }

    private Mono<Void> echo(HttpServerRequest request, HttpServerResponse response) {
        String uri = request.uri();
        String prefix = uri.replaceFirst("^(/api/[^/?]+).*", "$1");
        hits.computeIfAbsent(prefix, key -> new AtomicInteger()).incrementAndGet();
        Mono<Void> wait = uri.contains("/held") ? release.asMono()
                : !prefix.equals("/api/inference") ? Mono.empty() : switch (inference) {
            case ANSWER -> Mono.empty();
            case TOO_SLOW -> Mono.delay(slowness).then();
            case HOLD -> release.asMono();
        };
        Map<String, Object> headers = new LinkedHashMap<>();
        request.requestHeaders().forEach(header -> headers.merge(header.getKey().toLowerCase(), header.getValue(),
                (first, second) -> first + ", " + second));
        if (uri.endsWith("/close-without-answer") || uri.endsWith("/reset-without-answer")) {
            request.withConnection(connection -> {
                if (uri.endsWith("/reset-without-answer")) {
                    connection.channel().config().setOption(ChannelOption.SO_LINGER, 0);  // close sends a RST
                }
                connection.channel().close();
            });
            return Mono.never();  // cancelled when the connection goes
        }
        java.util.regex.Matcher status = java.util.regex.Pattern.compile(".*/status-(\\d{3})$").matcher(uri);
        if (status.matches()) {
            return response.status(Integer.parseInt(status.group(1)))
                    .header(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
                    .sendString(Mono.just("{\"type\":\"/problems/internal-error\",\"title\":\"Stub\",\"status\":"
                            + status.group(1) + "}")).then();
        }
        return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                .delayUntil(body -> wait)
                .flatMap(body -> {
                    Map<String, Object> echo = new LinkedHashMap<>();
                    echo.put("method", request.method().name());
                    echo.put("uri", uri);
                    echo.put("headers", headers);
                    echo.put("body_bytes", body.getBytes(StandardCharsets.UTF_8).length);
                    // Padding makes the answer big enough to be compressed by the gateway.
                    echo.put("padding", uri.contains("big") ? "x".repeat(4096) : "");
                    return response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                            .sendString(Mono.just(JSON.writeValueAsString(echo))).then();
                });
    }

    private static Mono<Void> openApi(HttpServerResponse response) {
        return response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .sendString(Mono.just("""
                        {"openapi": "3.1.0", "info": {"title": "stub", "version": "1"},
                         "servers": [{"url": "http://10.1.2.3:8081"}], "paths": {}}""")).then();
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
