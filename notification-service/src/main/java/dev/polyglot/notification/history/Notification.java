package dev.polyglot.notification.history;

import dev.polyglot.servicekit.events.CloudEvent;
import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One event delivered on one topic: the contract's Notification, the object history, SSE and (as the WebSocket
 * {@code event} frame) WebSocket clients receive.
 */
public record Notification(String id, String type, String source, String topic, String time, String dataschema,
                           JsonNode data) {

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

    /** The WebSocket {@code event} frame (contracts/asyncapi: wsEvent). */
    public ObjectNode toEventFrame(JsonMapper mapper) {
        ObjectNode frame = mapper.createObjectNode();
        frame.put("type", "event");
        frame.put("id", id);
        frame.put("topic", topic);
        frame.put("event_type", type);
        frame.put("source", source);
        frame.put("time", time);
        frame.put("dataschema", dataschema);
        frame.set("data", data);
        return frame;
    }

    public Instant timestamp() {
        return Instant.parse(time);
    }
}
