package dev.polyglot.servicekit.events;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
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
 * <p>It follows the platform's profile of CloudEvents, {@code contracts/events/cloudevent.schema.json}, exactly
 * as the Python side does (what one side accepted and the other rejected would surface as dead letters): {@code id}
 * is a lower-case UUID (the idempotency key), {@code source} is "/" + a service name, {@code time} is RFC 3339 in
 * UTC with a {@code Z} (written with microseconds: the benchmark measures latency from it), {@code datacontenttype}
 * is JSON, {@code dataschema} is the $id of the payload's schema, {@code traceparent} and {@code tracestate} (W3C Trace
 * Context) travel as extension attributes, the only ones. Absent attributes are omitted, never written as null.
 *
 * <p>The trace context is the publisher's to write ({@link EventPublisher} injects it with the tracer's propagator:
 * every event on a stream carries a valid {@code traceparent}) and the consumer's to read ({@link EventTracing}). Like
 * any W3C Trace Context receiver, the backbone reads a missing or malformed {@code traceparent} as no context: the
 * event is handled in a new trace, never refused for it; the text is kept as it came.
 *
 * @param time kept as written, so that a round trip reproduces the text; {@link #timestamp()} parses it
 * @param data the payload (a snake_case JSON object)
 */
public record CloudEvent(
        String id,
        String source,
        String type,
        String subject,
        String time,
        String datacontenttype,
        String dataschema,
        String traceparent,
        String tracestate,
        JsonNode data) {

    public static final String SPECVERSION = "1.0";
    public static final String JSON_CONTENT_TYPE = "application/json";

    private static final JsonMapper JSON = JsonMapper.builder()
            // A repeated attribute would make the envelope ambiguous: reject it rather than let the last one win.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    public static final String DATASCHEMA_BASE = "https://polyglot.dev/schemas/events/";
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern SOURCE = Pattern.compile("/[a-z0-9]+(-[a-z0-9]+)*");
    private static final String TYPE_TEXT = "[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+";
    private static final Pattern TYPE = Pattern.compile(TYPE_TEXT);
    private static final Pattern DATASCHEMA = Pattern.compile(Pattern.quote(DATASCHEMA_BASE) + TYPE_TEXT + "\\.json");
    private static final int MAX_TRACESTATE_LENGTH = 512;
    private static final Pattern UTC_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");
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
        match("source", source, SOURCE, "not \"/\" + a service name");
        require("type", type);
        match("type", type, TYPE, "not dot-separated lower-case words");
        require("time", time);
        if (!UTC_TIME.matcher(time).matches()) {
            throw new InvalidCloudEventException("time", "not RFC 3339 UTC ending in Z: '" + time + "'");
        }
        parseTime(time);
        if (subject != null && subject.isEmpty()) {
            throw new InvalidCloudEventException("subject", "empty (omit it instead)");
        }
        require("datacontenttype", datacontenttype);
        if (!JSON_CONTENT_TYPE.equals(datacontenttype)) {
            throw new InvalidCloudEventException("datacontenttype", "must be '" + JSON_CONTENT_TYPE + "', not '"
                    + datacontenttype + "'");
        }
        require("dataschema", dataschema);
        match("dataschema", dataschema, DATASCHEMA, "not " + DATASCHEMA_BASE + "<type>.json");
        if (tracestate != null && tracestate.length() > MAX_TRACESTATE_LENGTH) {
            throw new InvalidCloudEventException("tracestate", "longer than " + MAX_TRACESTATE_LENGTH + " characters");
        }
        if (data == null || !data.isObject()) {
            throw new InvalidCloudEventException("data", data == null ? "missing" : "must be a JSON object");
        }
    }

    /**
     * A new event: a fresh UUID, the current time with microseconds, the dataschema of its type, JSON data (an
     * empty object when null), no trace context yet (the publisher writes it).
     */
    public static CloudEvent create(String source, String type, String subject, JsonNode data) {
        return new CloudEvent(UUID.randomUUID().toString(), source, type, subject, formatTime(Instant.now()),
                JSON_CONTENT_TYPE, dataschemaOf(type), null, null, data == null ? JSON.createObjectNode() : data);
    }

    /** The $id of {@code type}'s payload schema in contracts/events/schemas. */
    public static String dataschemaOf(String type) {
        return DATASCHEMA_BASE + type + ".json";
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
        for (Map.Entry<String, JsonNode> member : json.properties()) {
            if (!CONTEXT_ATTRIBUTES.contains(member.getKey())) {
                throw new InvalidCloudEventException(member.getKey(), "not an attribute of the platform's events "
                        + "(contracts/events/cloudevent.schema.json)");
            }
            if (member.getValue().isNull()) {
                throw new InvalidCloudEventException(member.getKey(), "null (absent attributes are omitted, never null)");
            }
        }
        return new CloudEvent(string(json, "id"), string(json, "source"), string(json, "type"),
                string(json, "subject"), string(json, "time"), string(json, "datacontenttype"),
                string(json, "dataschema"), string(json, "traceparent"), string(json, "tracestate"), json.get("data"));
    }

    public ObjectNode toJson() {
        ObjectNode json = JSON.createObjectNode();
        json.put("specversion", SPECVERSION);
        json.put("id", id);
        json.put("source", source);
        json.put("type", type);
        putIfPresent(json, "subject", subject);
        json.put("time", time);
        json.put("datacontenttype", datacontenttype);
        json.put("dataschema", dataschema);
        putIfPresent(json, "traceparent", traceparent);
        putIfPresent(json, "tracestate", tracestate);
        json.set("data", data);
        return json;
    }

    /** The compact JSON text written to a stream entry. */
    public String toJsonText() {
        return JSON.writeValueAsString(toJson());
    }

    public Instant timestamp() {
        return parseTime(time);
    }

    /** The same event in the given trace context (what the publisher's propagator writes); tracestate may be null. */
    public CloudEvent withTraceContext(String traceparent, String tracestate) {
        return new CloudEvent(id, source, type, subject, time, datacontenttype, dataschema, traceparent, tracestate,
                data);
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

    private static void match(String attribute, String value, Pattern pattern, String problem) {
        if (!pattern.matcher(value).matches()) {
            throw new InvalidCloudEventException(attribute, problem + ": '" + value + "'");
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
