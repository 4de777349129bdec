package dev.polyglot.auth.outbox;

import dev.polyglot.contracts.EventTypes;
import dev.polyglot.servicekit.contract.ContractJson;
import dev.polyglot.servicekit.contract.ContractViolationException;
import dev.polyglot.servicekit.events.EventTracing;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Writes an event to the {@code outbox} table, in the caller's transaction (required: an event written outside the
 * change it reports could be lost or be about a change that was rolled back), with the trace context of that
 * transaction (the current span's W3C traceparent and tracestate), so that the event {@link OutboxRelay} publishes
 * later goes on with the trace of the request that made the change.
 */
@Component
public class Outbox {

    private final JdbcClient jdbc;
    private final EventTracing tracing;
    private final ContractJson contract = ContractJson.strict();

    Outbox(JdbcClient jdbc, EventTracing tracing) {
        this.jdbc = jdbc;
        this.tracing = tracing;
    }

    /**
     * @param payload a payload class generated from contracts/events/schemas; its type is the row's event type
     * @param subject the CloudEvent {@code subject} (the user's id)
     * @param at      the change's time, the event's {@code time}
     * @throws ContractViolationException when the payload breaks its schema: the change is rolled back with it,
     *                                    rather than committed with an event no consumer could read
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void add(Object payload, String subject, Instant at) {
        String type = EventTypes.of(payload.getClass()).type();
        Map<String, String> trace = tracing.currentContext();
        jdbc.sql("INSERT INTO outbox (id, event_type, subject, payload, created_at, traceparent, tracestate) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(UUID.randomUUID(), type, subject, contract.write(payload),
                        OffsetDateTime.ofInstant(at, ZoneOffset.UTC), trace.get(EventTracing.TRACEPARENT),
                        trace.get(EventTracing.TRACESTATE))
                .update();
    }
}
