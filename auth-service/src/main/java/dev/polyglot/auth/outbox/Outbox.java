package dev.polyglot.auth.outbox;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes an event to the {@code outbox} table, in the caller's transaction (required: an event written outside the
 * change it reports could be lost or be about a change that was rolled back). {@link OutboxRelay} publishes it.
 */
@Component
public class Outbox {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    Outbox(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** @param payload the event's data, with the snake_case member names of contracts/events/schemas/{type} */
    @Transactional(propagation = Propagation.MANDATORY)
    public void add(String type, String subject, Map<String, Object> payload, Instant at) {
        jdbc.sql("INSERT INTO outbox (id, event_type, subject, payload, created_at) VALUES (?, ?, ?, ?, ?)")
                .params(UUID.randomUUID(), type, subject, json.writeValueAsString(payload),
                        OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
                .update();
    }
}
