package dev.polyglot.servicekit.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.client.codec.StringCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes CloudEvents to Redis streams: {@code XADD <stream> MAXLEN ~ <retention> * cloudevent <JSON>}.
 * Every event carries the current trace (see {@link TraceContext}), so an event published by a handler continues
 * the trace of the event it handles.
 */
public class EventPublisher {

    /** The one field of a stream entry; its value is the CloudEvent's JSON text. */
    public static final String FIELD = "cloudevent";

    private final RedissonClient redisson;
    private final EventsProperties properties;
    private final String source;
    private final JsonMapper json;
    private final MeterRegistry meters;

    /**
     * @param source "/" + the service name
     * @param json   turns payload objects into JSON; it must write snake_case (Boot's mapper does, through
     *               service-kit-defaults.yaml)
     */
    public EventPublisher(RedissonClient redisson, EventsProperties properties, String source, JsonMapper json,
                          MeterRegistry meters) {
        this.redisson = redisson;
        this.properties = properties;
        this.source = source;
        this.json = json;
        this.meters = meters;
    }

    /** For use without Spring: the platform's payload convention (snake_case), as Boot's mapper is configured. */
    public static JsonMapper snakeCaseJson() {
        return JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
    }

    public CloudEvent publish(String stream, String type, Object data) {
        return publish(stream, type, data, null);
    }

    /** Publishes a new event of {@code type} with {@code data} (an object or a JsonNode) and returns it. */
    public CloudEvent publish(String stream, String type, Object data, String subject) {
        JsonNode payload = data == null ? null : json.valueToTree(data);
        CloudEvent event = CloudEvent.create(source, type, subject, payload);
        publish(stream, event);
        return event;
    }

    /** Publishes an event as it is (for example one being forwarded) and returns its stream entry id. */
    public String publish(String stream, CloudEvent event) {
        String entryId = redisson.<String, String>getStream(stream, StringCodec.INSTANCE)
                .add(StreamAddArgs.<String, String>entry(FIELD, event.toJsonText())
                        .trimNonStrict().maxLen(properties.retentionFor(stream)).noLimit())
                .toString();
        Counter.builder("events.published").description("Events written to a stream")
                .tag("stream", stream).tag("type", event.type())
                .register(meters).increment();
        return entryId;
    }

    public String source() {
        return source;
    }
}
