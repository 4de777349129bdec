package dev.polyglot.notification.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The service's HTTP API as a client calls it, on one instance. */
public final class Api {

    private final HttpClient client = HttpClient.newHttpClient();
    private final int port;

    public Api(int port) {
        this.port = port;
    }

    public int port() {
        return port;
    }

    public HttpResponse<String> get(String path, TestIdentity.User user) {
        return send(request(path, user).GET());
    }

    public HttpResponse<String> post(String path, TestIdentity.User user, String jsonBody) {
        return send(request(path, user).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody)));
    }

    /** A fresh WebSocket ticket of the user. */
    public String ticket(TestIdentity.User user) {
        HttpResponse<String> response = post("/api/notifications/ticket", user, "");
        if (response.statusCode() != 201) {
            throw new IllegalStateException("ticket: " + response.statusCode() + " " + response.body());
        }
        return json(response).path("ticket").asString();
    }

    public ProtocolClient connect(TestIdentity.User user) {
        return ProtocolClient.connect(port, "/ws/notifications?ticket=" + ticket(user));
    }

    public ProtocolClient connect(TestIdentity.User user, Map<String, String> extraQuery) {
        StringBuilder path = new StringBuilder("/ws/notifications?ticket=" + ticket(user));
        extraQuery.forEach((name, value) -> path.append('&').append(name).append('=').append(value));
        return ProtocolClient.connect(port, path.toString());
    }

    /** GET /api/notifications/stream: the status and headers at once, the event stream's lines as they come. */
    public HttpResponse<Stream<String>> openStream(TestIdentity.User user) {
        return send(request("/api/notifications/stream", user).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofLines());
    }

    public static JsonNode json(HttpResponse<String> response) {
        return JsonMapper.shared().readTree(response.body());
    }

    public HttpRequest.Builder request(String path, TestIdentity.User user) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        return user == null ? request : request.header("Authorization", "Bearer " + user.accessToken());
    }

    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        try {
            return client.send(request, body);
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        return send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
