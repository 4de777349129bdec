-- The trace context (W3C traceparent and tracestate) of the transaction that wrote an outbox row: the relay publishes
-- the event in that trace, so a sign-up's trace goes on to the event's consumers. NULL (rows written before this
-- migration): the event starts a new trace. 512 = the longest tracestate the events' contract allows.
ALTER TABLE outbox ADD COLUMN traceparent VARCHAR(55);
ALTER TABLE outbox ADD COLUMN tracestate VARCHAR(512);
