package dev.polyglot.servicekit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** A local port nothing listens on, to stand for a dependency that is down. */
public final class ClosedPort {

    private ClosedPort() {
    }

    public static int pick() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort(); // free once the socket closes: connecting to it is refused
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
