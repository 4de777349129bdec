package dev.polyglot.servicekit.events;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One event of the platform: a CloudEvents 1.0 envelope in structured JSON mode, as written to and read from
 * the {@code cloudevent} field of a stream entry.
 *
 * <p>The platform narrows CloudEvents in three ways: {@code id} is a UUID (it is the idempotency key),
 * {@code time} is RFC 3339 in UTC with a {@code Z} (written with microseconds: the benchmark measures latency
 * from it), and {@code traceparent} (W3C) travels as an extension attribute. Absent attributes are omitted,
 * never written as null. Extension attributes this class does not know are kept, so a consumer that forwards
 * an event loses nothing.
 *
 * @param time       kept as written, so that a round trip reproduces the text; {@link #timestamp()} parses it
 * @param extensions extension attributes other than traceparent and tracestate, in their order of appearance
 * @param data       the payload (snake_case JSON), or null when the event has none
 */
public record CloudEvent(
        String id,
        String source,
        String type,
        String subject,
        String time,
        String datacontenttype,
        String dataschema,
        TraceParent traceparent,
        String tracestate,
        Map<String, JsonNode> extensions,
        JsonNode data) {

    public static final String SPECVERSION = "1.0";
    public static final String JSON_CONTENT_TYPE = "application/json";

    private static final JsonMapper JSON = JsonMapper.builder()
            // A repeated attribute would make the envelope ambiguous: reject it rather than let the last one win.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern UTC_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");
    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[a-z0-9]+");
    private static final DateTimeFormatter MICROSECONDS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final Set<String> CONTEXT_ATTRIBUTES = Set.of("specversion", "id", "source", "type", "subject",
            "time", "datacontenttype", "dataschema", "traceparent", "tracestate", "data");

    public CloudEvent {
        require("id", id);
        if (!UUID_TEXT.matcher(id).matches()) {
            throw new InvalidCloudEventException("id", "not a UUID: '" + id + "'");
        }
        require("source", source);
        uri("source", source, false);
        require("type", type);
        require("time", time);
        if (!UTC_TIME.matcher(time).matches()) {
            throw new InvalidCloudEventException("time", "not RFC 3339 UTC ending in Z: '" + time + "'");
        }
        parseTime(time);
        if (subject != null && subject.isEmpty()) {
            throw new InvalidCloudEventException("subject", "empty (omit it instead)");
        }
        if (dataschema != null) {
            uri("dataschema", dataschema, true);
        }
        extensions = extensions == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
        extensions.forEach(CloudEvent::checkExtension);
    }

    /**
     * A new event: a fresh UUID, the current time with microseconds, JSON data, and the current trace (a new
     * trace when the thread has none).
     */
    public static CloudEvent create(String source, String type, String subject, String dataschema, JsonNode data) {
        return new CloudEvent(UUID.randomUUID().toString(), source, type, subject, formatTime(Instant.now()),
                data == null ? null : JSON_CONTENT_TYPE, dataschema,
                TraceContext.current().orElseGet(TraceParent::newTrace), null, Map.of(), data);
    }

    /** Parses the text of a stream entry's {@code cloudevent} field. */
    public static CloudEvent parse(String json) {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (JacksonException notJson) {
            throw new InvalidCloudEventException(null, "not JSON: " + notJson.getOriginalMessage(), notJson);
        }
        if (tree == null || !tree.isObject()) {
            throw new InvalidCloudEventException(null, "not a JSON object");
        }
        return fromJson((ObjectNode) tree);
    }

    public static CloudEvent fromJson(ObjectNode json) {
        String specversion = string(json, "specversion");
        if (specversion == null) {
            throw new InvalidCloudEventException("specversion", "missing");
        }
        if (!SPECVERSION.equals(specversion)) {
            throw new InvalidCloudEventException("specversion", "must be '1.0', not '" + specversion + "'");
        }
        Map<String, JsonNode> extensions = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> member : json.properties()) {
            if (!CONTEXT_ATTRIBUTES.contains(member.getKey())) {
                extensions.put(member.getKey(), member.getValue());
            }
        }
        String traceparent = string(json, "traceparent");
        TraceParent trace;
        try {
            trace = traceparent == null ? null : TraceParent.parse(traceparent);
        } catch (IllegalArgumentException invalid) {
            throw new InvalidCloudEventException("traceparent", invalid.getMessage());
        }
        return new CloudEvent(string(json, "id"), string(json, "source"), string(json, "type"),
                string(json, "subject"), string(json, "time"), string(json, "datacontenttype"),
                string(json, "dataschema"), trace, string(json, "tracestate"), extensions, json.get("data"));
    }

    public ObjectNode toJson() {
        ObjectNode json = JSON.createObjectNode();
        json.put("specversion", SPECVERSION);
        json.put("id", id);
        json.put("source", source);
        json.put("type", type);
        putIfPresent(json, "subject", subject);
        json.put("time", time);
        putIfPresent(json, "datacontenttype", datacontenttype);
        putIfPresent(json, "dataschema", dataschema);
        putIfPresent(json, "traceparent", traceparent == null ? null : traceparent.format());
        putIfPresent(json, "tracestate", tracestate);
        extensions.forEach(json::set);
        if (data != null) {
            json.set("data", data);
        }
        return json;
    }

    /** The compact JSON text written to a stream entry. */
    public String toJsonText() {
        return JSON.writeValueAsString(toJson());
    }

    public Instant timestamp() {
        return parseTime(time);
    }

    /** The same event as part of the given trace (what a publisher stamps). */
    public CloudEvent withTraceparent(TraceParent trace) {
        return new CloudEvent(id, source, type, subject, time, datacontenttype, dataschema, trace, tracestate,
                extensions, data);
    }

    /** RFC 3339 UTC with exactly six fractional digits, as both publishers write it. */
    public static String formatTime(Instant instant) {
        return MICROSECONDS.format(instant.truncatedTo(ChronoUnit.MICROS));
    }

    private static Instant parseTime(String time) {
        try {
            return Instant.parse(time);
        } catch (RuntimeException notADate) {
            throw new InvalidCloudEventException("time", "not a valid date and time: '" + time + "'");
        }
    }

    private static void require(String attribute, String value) {
        if (value == null) {
            throw new InvalidCloudEventException(attribute, "missing");
        }
        if (value.isEmpty()) {
            throw new InvalidCloudEventException(attribute, "empty");
        }
    }

    private static void uri(String attribute, String value, boolean absolute) {
        try {
            URI uri = new URI(value);
            if (absolute && !uri.isAbsolute()) {
                throw new InvalidCloudEventException(attribute, "not an absolute URI: '" + value + "'");
            }
        } catch (URISyntaxException notAUri) {
            throw new InvalidCloudEventException(attribute, "not a URI reference: '" + value + "'");
        }
    }

    private static void checkExtension(String name, JsonNode value) {
        if (!ATTRIBUTE_NAME.matcher(name).matches()) {
            // data_base64 lands here too: the platform's events carry JSON data only.
            throw new InvalidCloudEventException(name, "not a CloudEvents attribute name (lower-case letters and digits)");
        }
        if (value == null || !value.isValueNode() || value.isNull()) {
            throw new InvalidCloudEventException(name, "an extension attribute must be a string, number or boolean");
        }
    }

    /** A string attribute; null when absent; an error when present but null or not a string. */
    private static String string(ObjectNode json, String attribute) {
        JsonNode value = json.get(attribute);
        if (value == null) {
            return null;
        }
        if (!value.isString()) {
            throw new InvalidCloudEventException(attribute, value.isNull()
                    ? "null (absent attributes are omitted, never null)"
                    : "must be a string, not " + value.getNodeType().name().toLowerCase());
        }
        return value.stringValue();
    }

    private static void putIfPresent(ObjectNode json, String attribute, String value) {
        if (value != null) {
            json.put(attribute, value);
        }
    }
}
