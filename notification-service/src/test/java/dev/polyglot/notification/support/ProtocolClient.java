package dev.polyglot.notification.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.opentest4j.AssertionFailedError;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client of the notification WebSocket protocol for tests: collects the server's frames, answers its pings
 * (unless told not to, as a dead client would), and records the close code the server sends.
 */
public final class ProtocolClient implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.shared();

    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket socket;
    private volatile boolean answerPings = true;
    private volatile int pingsSeen;

    private ProtocolClient(URI uri, String origin) throws Exception {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        if (origin != null) {
            builder.header("Origin", origin);
        }
        this.socket = builder.buildAsync(uri, new Listener()).get(10, TimeUnit.SECONDS);
    }

    public static ProtocolClient connect(int port, String pathAndQuery) {
        return connect(port, pathAndQuery, null);
    }

    public static ProtocolClient connect(int port, String pathAndQuery, String origin) {
        try {
            return new ProtocolClient(URI.create("ws://127.0.0.1:" + port + pathAndQuery), origin);
        } catch (Exception failed) {
            throw new AssertionFailedError("WebSocket handshake with " + pathAndQuery + " failed", failed);
        }
    }

    public void stopAnsweringPings() {
        answerPings = false;
    }

    public int pingsSeen() {
        return pingsSeen;
    }

    /** One send at a time: the JDK client refuses a send while another is outstanding. */
    public synchronized void send(String text) {
        socket.sendText(text, true).join();
    }

    /** The next frame other than a server ping. */
    public JsonNode next(Duration timeout) throws InterruptedException {
        JsonNode frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (frame == null) {
            throw new AssertionFailedError("No frame within " + timeout);
        }
        return frame;
    }

    public JsonNode next() throws InterruptedException {
        return next(Duration.ofSeconds(10));
    }

    /** The next frame of this type, skipping others. */
    public JsonNode next(String type) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode frame = frames.poll(100, TimeUnit.MILLISECONDS);
            if (frame != null && type.equals(frame.path("type").asString())) {
                return frame;
            }
        }
        throw new AssertionFailedError("No " + type + " frame within 10 s");
    }

    /** Every frame of this type that arrives within the window. */
    public List<JsonNode> collect(String type, Duration window) throws InterruptedException {
        List<JsonNode> found = new ArrayList<>();
        long deadline = System.nanoTime() + window.toNanos();
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            JsonNode frame = frames.poll(left, TimeUnit.NANOSECONDS);
            if (frame != null && type.equals(frame.path("type").asString())) {
                found.add(frame);
            }
        }
        return found;
    }

    /** The close code the server sent, waiting for it. */
    public int closeCode(Duration timeout) throws Exception {
        try {
            return closeCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException stillOpen) {
            throw new AssertionFailedError("The server did not close the socket within " + timeout);
        }
    }

    public int closeCode() throws Exception {
        return closeCode(Duration.ofSeconds(10));
    }

    public boolean isOpen() {
        return !closeCode.isDone();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "test done").exceptionally(failure -> null);
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonNode frame = JSON.readTree(partial.toString());
                partial.setLength(0);
                if ("ping".equals(frame.path("type").asString())) {
                    pingsSeen++;
                    if (answerPings) {
                        send("{\"type\":\"pong\",\"nonce\":\"" + frame.path("nonce").asString() + "\"}");
                    }
                } else {
                    frames.add(frame);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(-1);
        }
    }
}
