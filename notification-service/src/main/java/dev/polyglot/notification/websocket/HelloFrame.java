package dev.polyglot.notification.websocket;

import java.time.Instant;

/** The first frame a WebSocket client receives: which service and instance it is connected to. */
record HelloFrame(String type, String service, String instanceId, Instant serverTime) {

    static HelloFrame now(String service, String instanceId) {
        return new HelloFrame("hello", service, instanceId, Instant.now());
    }
}
