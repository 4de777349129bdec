package dev.polyglot.auth.outbox;

import dev.polyglot.contracts.EventType;
import dev.polyglot.contracts.EventTypes;
import dev.polyglot.contracts.Streams;
import dev.polyglot.servicekit.events.CloudEvent;
import dev.polyglot.servicekit.events.EventPublisher;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes the outbox to each event type's stream ({@link Streams#PLATFORM_EVENTS} for the user events), oldest first, and marks each row published once Redis took it.
 * While Redis is down the rows wait; the next run after it is back publishes them. Delivery is at least once (a crash
 * between XADD and the update, or two instances relaying at once, repeats an event): the CloudEvent id is the outbox
 * row's id, so a repeat has the same id and consumers deduplicate it (the backbone's dedupe window). Each event's
 * PRODUCER span is a child of the trace context the row stored (the request that made the change); a row without one
 * (written before it was stored) is published as the start of a new trace.
 *
 * <p>A published row is kept for {@code auth.outbox.retention} (default 24 h: what was sent, and when, for a person
 * looking into a missing event) and then deleted, so that the table holds a day of changes rather than all of them.
 * A row not yet published is never deleted, however old.
 */
@Component
public class OutboxRelay {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int BATCH = 100;

    private final JdbcClient jdbc;
    private final EventPublisher publisher;
    private final JsonMapper json;
    private final Duration retention;
    private volatile boolean failing;

    OutboxRelay(JdbcClient jdbc, EventPublisher publisher, JsonMapper json,
                @Value("${auth.outbox.retention:24h}") Duration retention) {
        this.jdbc = jdbc;
        this.publisher = publisher;
        this.json = json;
        this.retention = retention;
    }

    @Scheduled(fixedDelayString = "${auth.outbox.relay-interval:1s}", initialDelayString = "${auth.outbox.relay-interval:1s}")
    public void relayScheduled() {
        try {
            relay();
        } catch (DataAccessException e) {
            // The database is unreachable (or shutting down): the rows are still there for the next run.
            log.warn("Outbox relay cannot read the outbox: {}", e.toString());
        }
    }

    @Scheduled(fixedDelayString = "${auth.outbox.purge-interval:1m}", initialDelayString = "${auth.outbox.purge-interval:1m}")
    public void purgeScheduled() {
        try {
            int deleted = purge(Instant.now());
            if (deleted > 0) {
                log.debug("Outbox: deleted {} row(s) published more than {} ago", deleted, retention);
            }
        } catch (DataAccessException e) {
            log.warn("Outbox relay cannot purge the outbox: {}", e.toString());
        }
    }

    /** Deletes the rows published before {@code now} minus the retention; returns how many. */
    public int purge(Instant now) {
        return jdbc.sql("DELETE FROM outbox WHERE published_at < ?")
                .param(OffsetDateTime.ofInstant(now.minus(retention), ZoneOffset.UTC))
                .update();
    }

    /** Publishes what is pending; returns how many rows it published. */
    public synchronized int relay() {
        List<Row> rows = jdbc.sql("SELECT id, event_type, subject, payload, created_at, traceparent, tracestate FROM outbox "
                        + "WHERE published_at IS NULL ORDER BY created_at, id LIMIT " + BATCH)
                .query(OutboxRelay::map).list();
        int published = 0;
        for (Row row : rows) {
            // The row was checked against its contract when it was written: it is published as it is, a ready event
            // whose id is the row's (so that a repeat after a crash is recognised as one).
            EventType<?> type = EventTypes.byType(row.type).orElseThrow(() -> new IllegalStateException(
                    "outbox row " + row.id + " has event type " + row.type + ", which the contracts do not define"));
            try {
                publisher.publish(type.stream(), new CloudEvent(row.id.toString(), publisher.source(), row.type,
                        row.subject, CloudEvent.formatTime(row.createdAt), CloudEvent.JSON_CONTENT_TYPE,
                        type.dataschema(), row.traceparent, row.tracestate, json.readTree(row.payload)));
            } catch (RuntimeException e) {
                if (!failing) {
                    log.warn("Outbox relay paused: cannot publish to {} ({}); {} event(s) wait", type.stream(),
                            e.toString(), rows.size() - published);
                }
                failing = true;
                return published;
            }
            jdbc.sql("UPDATE outbox SET published_at = ? WHERE id = ?")
                    .params(OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC), row.id)
                    .update();
            published++;
        }
        if (failing && published > 0) {
            log.info("Outbox relay resumed: published {} waiting event(s)", published);
        }
        failing = false;
        return published;
    }

    private record Row(UUID id, String type, String subject, String payload, Instant createdAt, String traceparent,
                       String tracestate) {
    }

    private static Row map(ResultSet row, int rowNumber) throws SQLException {
        return new Row(row.getObject("id", UUID.class), row.getString("event_type"), row.getString("subject"),
                row.getString("payload"), row.getObject("created_at", OffsetDateTime.class).toInstant(),
                row.getString("traceparent"), row.getString("tracestate"));
    }
}
