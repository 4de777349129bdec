package dev.polyglot.servicekit.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.opentest4j.AssertionFailedError;

/** A WebSocket client for tests: collects the text frames the server sends and notices when it closes. */
public final class TestWebSocket implements AutoCloseable {

    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closedByServer = new CompletableFuture<>();
    private final WebSocket socket;

    private TestWebSocket(URI uri) throws InterruptedException, ExecutionException, TimeoutException {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(uri, new Collector())
                .get(10, TimeUnit.SECONDS);
    }

    public static TestWebSocket connect(int port, String path) {
        try {
            return new TestWebSocket(URI.create("ws://127.0.0.1:" + port + path));
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionFailedError("WebSocket handshake with " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String nextFrame(Duration timeout) throws InterruptedException {
        String frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (frame == null) {
            throw new AssertionFailedError("No text frame within " + timeout);
        }
        return frame;
    }

    public boolean isClosedByServerWithin(Duration timeout) throws InterruptedException, ExecutionException {
        try {
            closedByServer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException stillOpen) {
            return false;
        }
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "test done").join();
    }

    private final class Collector implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closedByServer.complete(statusCode);
            return null;
        }
    }
}
