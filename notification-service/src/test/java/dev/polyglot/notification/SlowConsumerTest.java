package dev.polyglot.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.polyglot.notification.live.ConnectionRegistry;
import dev.polyglot.notification.support.Api;
import dev.polyglot.notification.support.Events;
import dev.polyglot.notification.support.NotificationServiceTest;
import dev.polyglot.notification.support.ProtocolClient;
import dev.polyglot.notification.support.TestIdentity;
import dev.polyglot.notification.support.TestIdentity.User;
import dev.polyglot.servicekit.events.EventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/** A client that stops reading is dropped once its send queue (64 frames in the tests) overflows; others go on. */
@NotificationServiceTest
// A heartbeat long enough that the silent client is caught by its queue, not by the heartbeat (4408).
@TestPropertySource(properties = "notification.heartbeat-interval=60s")
class SlowConsumerTest {

    private static final int EVENTS = 2000;
    /**
     * 2,000 events of about 4 KiB, 8 MiB in all: far more than the socket buffers, Netty's high-water mark and the queue
     * hold. The longest reason the contract allows (1,000 code points) of 4-byte characters is what makes them large.
     */
    private static final String REASON = "\uD83D\uDE42".repeat(1000);

    @LocalServerPort
    int port;

    @Autowired
    EventPublisher publisher;

    @Autowired
    MeterRegistry meters;

    @Autowired
    ConnectionRegistry connections;

    @Test
    void aClientThatDoesNotReadIsDroppedWhileAFastOneReceivesEverything() throws Exception {
        Api api = new Api(port);
        User user = TestIdentity.newUser("user");
        double droppedBefore = meters.counter("notification.slow.clients.dropped", "transport", "websocket").count();
        try (Socket slow = openWithoutReading(api.ticket(user)); ProtocolClient fast = api.connect(user)) {
            fast.next("hello");
            await().atMost(Duration.ofSeconds(15)).until(() -> connections.openConnections() >= 2);

            Set<String> published = new HashSet<>();
            for (int i = 0; i < EVENTS; i++) {
                published.add(Events.jobFailed(publisher, user, REASON).id());
            }

            Set<String> received = new HashSet<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (received.size() < EVENTS && System.nanoTime() < deadline) {
                received.add(fast.next("event").path("id").asString());
            }
            assertThat(received).isEqualTo(published);
            await().atMost(Duration.ofSeconds(10)).until(() -> meters.counter("notification.slow.clients.dropped",
                    "transport", "websocket").count() == droppedBefore + 1);
            assertThat(fast.isOpen()).isTrue();
            // The slow client's TCP connection is cut: reading now ends after what was buffered.
            assertThat(readsToTheEnd(slow)).isTrue();
        }
    }

    /** A WebSocket handshake by hand on a socket with a tiny receive buffer, whose frames are then never read. */
    private Socket openWithoutReading(String ticket) throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /ws/notifications?ticket=" + ticket + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.read());
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101");
        return socket;
    }

    private static boolean readsToTheEnd(Socket socket) throws Exception {
        socket.setSoTimeout(15_000);
        byte[] buffer = new byte[64 * 1024];
        try {
            while (socket.getInputStream().read(buffer) >= 0) {
                // Drain what the kernel buffered before the cut.
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }
}
