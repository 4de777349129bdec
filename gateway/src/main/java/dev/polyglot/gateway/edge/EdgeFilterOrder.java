package dev.polyglot.gateway.edge;

import org.springframework.core.Ordered;

/** Where each edge WebFilter runs. */
final class EdgeFilterOrder {

    /** First, so it times and sees everything, refusals included. */
    static final int ACCESS_LOG = Ordered.HIGHEST_PRECEDENCE;
    static final int REQUEST_IDENTITY = Ordered.HIGHEST_PRECEDENCE + 1;
    static final int SECURITY_HEADERS = Ordered.HIGHEST_PRECEDENCE + 2;
    static final int BODY_LIMIT = Ordered.HIGHEST_PRECEDENCE + 3;
    static final int CORS = -300;
    static final int WEBSOCKET_HANDSHAKE = -200;
    /** After CORS (a preflight carries no token) and the WebSocket handshake check (a ticket, not a token). */
    static final int AUTHENTICATION = -100;
    /** After the token check: the signed-in user is known. */
    static final int RATE_LIMIT = -50;

    private EdgeFilterOrder() {
    }
}
