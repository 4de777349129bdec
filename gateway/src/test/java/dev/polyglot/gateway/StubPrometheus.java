package dev.polyglot.gateway;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A stand-in for Prometheus' HTTP API on a plain Reactor Netty server: {@code /api/v1/query} and
 * {@code /api/v1/query_range} answer as Prometheus 2.42 does, a query containing {@code bad(} with its 400
 * ({@code bad_data}), one containing {@code slow} with its 503 (query timeout); every request is recorded. It can be
 * stopped and started again on the same port (a Prometheus that went away).
 */
final class StubPrometheus implements AutoCloseable {

    static final String VECTOR = """
            {"status":"success","data":{"resultType":"vector","result":[\
            {"metric":{"__name__":"up","instance":"127.0.0.1:8080","job":"gateway"},"value":[1764748800.123,"1"]}]}}""";
    static final String MATRIX = """
            {"status":"success","data":{"resultType":"matrix","result":[\
            {"metric":{"routeId":"inference-bridge"},"values":[[1764747000,"0.5"],[1764747030,"0.75"]]}]}}""";

    /** What reached it: method, URI, and the Authorization header ("-" when there was none). */
    record Call(String method, String uri, String authorization) {
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();
    private final int port;
    private DisposableServer server;

    StubPrometheus() {
        server = bind(0);
        port = server.port();
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    synchronized void stop() {
        server.disposeNow();
    }

    synchronized void start() {
        server = bind(port);
    }

    private DisposableServer bind(int on) {
        return HttpServer.create().host("127.0.0.1").port(on).handle(this::answer).bindNow();
    }

    private Mono<Void> answer(HttpServerRequest request, HttpServerResponse response) {
        String uri = request.uri();
        String authorization = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION, "-");
        calls.add(new Call(request.method().name(), uri, authorization));
        response.header(HttpHeaderNames.CONTENT_TYPE, "application/json");
        if (uri.contains("bad(") || uri.contains("bad%28")) {
            return response.status(400).sendString(Mono.just("""
                    {"status":"error","errorType":"bad_data",\
                    "error":"invalid parameter \\"query\\": 1:5: parse error: unclosed left parenthesis"}""")).then();
        }
        if (uri.contains("slow")) {
            return response.status(503).sendString(Mono.just("""
                    {"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}"""))
                    .then();
        }
        if (uri.startsWith("/api/v1/query_range?")) {
            return response.sendString(Mono.just(MATRIX)).then();
        }
        if (uri.startsWith("/api/v1/query?")) {
            return response.sendString(Mono.just(VECTOR)).then();
        }
        return response.status(404).sendString(Mono.just("404 page not found")).then();
    }

    @Override
    public void close() {
        stop();
    }
}
