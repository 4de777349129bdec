package dev.polyglot.notification.websocket;

import dev.polyglot.contracts.CloseCode;
import dev.polyglot.contracts.websocket.ErrorFrame;
import dev.polyglot.contracts.websocket.HelloFrame;
import dev.polyglot.contracts.websocket.PingFrame;
import dev.polyglot.contracts.websocket.PongFrame;
import dev.polyglot.contracts.websocket.SubscribedFrame;
import dev.polyglot.contracts.websocket.UnsubscribedFrame;
import dev.polyglot.notification.live.LiveConnection;
import dev.polyglot.servicekit.contract.ContractJson;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.UUID;

/**
 * The frames the server writes, as the classes generated from contracts/websocket/schemas, in JSON text checked
 * against their schema ({@link ContractJson}): a frame the contract refuses is a bug here, never sent. The {@code type}
 * member is the schema's {@code const}, which jsonschema2pojo leaves to the caller.
 */
final class Frames {

    static final ContractJson CONTRACT = ContractJson.strict();

    private Frames() {
    }

    static String hello(LiveConnection connection, int heartbeatIntervalMs, int maxMessageBytes) {
        HelloFrame hello = new HelloFrame();
        hello.setType("hello");
        hello.setConnectionId(UUID.fromString(connection.id()));
        hello.setUserId(UUID.fromString(connection.reader().userId()));
        hello.setRole(HelloFrame.Role.fromValue(connection.reader().role()));
        hello.setTopics(sorted(connection.topics()));
        hello.setHeartbeatIntervalMs(heartbeatIntervalMs);
        hello.setMaxMessageBytes(maxMessageBytes);
        hello.setServerTime(Instant.now().truncatedTo(ChronoUnit.MICROS));
        return CONTRACT.write(hello);
    }

    static String ping(String nonce) {
        PingFrame ping = new PingFrame();
        ping.setType("ping");
        ping.setNonce(nonce);
        return CONTRACT.write(ping);
    }

    static String pong(String nonce) {
        PongFrame pong = new PongFrame();
        pong.setType("pong");
        pong.setNonce(nonce);
        return CONTRACT.write(pong);
    }

    /** {@code subscribed} or {@code unsubscribed}: every topic the connection now holds. */
    static String topicsChanged(boolean subscribed, String requestId, Collection<String> topics) {
        if (subscribed) {
            SubscribedFrame frame = new SubscribedFrame();
            frame.setType("subscribed");
            frame.setRequestId(requestId);
            frame.setTopics(sorted(topics));
            return CONTRACT.write(frame);
        }
        UnsubscribedFrame frame = new UnsubscribedFrame();
        frame.setType("unsubscribed");
        frame.setRequestId(requestId);
        frame.setTopics(sorted(topics));
        return CONTRACT.write(frame);
    }

    /** An {@code unsubscribed} frame nobody asked for: the server withdrew topics (no request_id, a reason). */
    static String withdrawn(String reason, Collection<String> topics) {
        UnsubscribedFrame frame = new UnsubscribedFrame();
        frame.setType("unsubscribed");
        frame.setReason(UnsubscribedFrame.Reason.fromValue(reason));
        frame.setTopics(sorted(topics));
        return CONTRACT.write(frame);
    }

    /**
     * @param requestId echoed when the client's was usable (1 to 64 characters), else left out
     * @param closeCode the close that follows, or null when the connection stays open
     */
    static String error(ErrorFrame.Code code, String message, String requestId, CloseCode closeCode) {
        ErrorFrame error = new ErrorFrame();
        error.setType("error");
        error.setCode(code);
        error.setMessage(message);
        error.setRequestId(requestId);
        error.setCloseCode(closeCode == null ? null : ErrorFrame.CloseCode.fromValue(closeCode.code()));
        return CONTRACT.write(error);
    }

    private static java.util.List<String> sorted(Collection<String> topics) {
        return topics.stream().sorted().toList();
    }
}
