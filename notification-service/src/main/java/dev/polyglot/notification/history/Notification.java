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
import tools.jackson.databind.node.ObjectNode;

/**
 * One event delivered on one topic: the contract's Notification, the object history, SSE and (as the WebSocket
 * {@code event} frame) WebSocket clients receive.
 */
public record Notification(String id, String type, String source, String topic, String time, String dataschema,
                           JsonNode data) {

    private static final TypeReference<Map<String, Object>> DATA = new TypeReference<>() {
    };

    public static Notification of(CloudEvent event, String topic) {
        return new Notification(event.id(), event.type(), event.source(), topic, event.time(), event.dataschema(),
                event.data());
    }

    public static Notification fromJson(JsonNode json) {
        return new Notification(json.path("id").asString(), json.path("type").asString(),
                json.path("source").asString(), json.path("topic").asString(), json.path("time").asString(),
                json.path("dataschema").asString(), json.path("data"));
    }

    public ObjectNode toJson(JsonMapper mapper) {
        ObjectNode json = mapper.createObjectNode();
        json.put("id", id);
        json.put("type", type);
        json.put("source", source);
        json.put("topic", topic);
        json.put("time", time);
        json.put("dataschema", dataschema);
        json.set("data", data);
        return json;
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
