package dev.polyglot.notification.history;

import dev.polyglot.contracts.websocket.EventFrame;
import dev.polyglot.servicekit.events.CloudEvent;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One event delivered on one topic: the contract's Notification (contracts/openapi/notification.yaml), the object the
 * history keeps, the fan-out carries and SSE sends, written and read by Boot's snake_case mapper as it is; WebSocket
 * clients get it as the {@code event} frame ({@link #toEventFrame}).
 */
public record Notification(String id, String type, String source, String topic, String time, String dataschema,
                           JsonNode data) {

    private static final TypeReference<Map<String, Object>> DATA = new TypeReference<>() {
    };

    public static Notification of(CloudEvent event, String topic) {
        return new Notification(event.id(), event.type(), event.source(), topic, event.time(), event.dataschema(),
                event.data());
    }

    /** The WebSocket {@code event} frame (contracts/websocket/schemas/event.schema.json). */
    public EventFrame toEventFrame(JsonMapper mapper) {
        EventFrame frame = new EventFrame();
        frame.setType("event");
        frame.setId(UUID.fromString(id));
        frame.setTopic(topic);
        frame.setEventType(type);
        frame.setSource(source);
        frame.setTime(timestamp());
        frame.setDataschema(URI.create(dataschema));
        frame.setData(mapper.convertValue(data, DATA));
        return frame;
    }

    public Instant timestamp() {
        return Instant.parse(time);
    }
}
