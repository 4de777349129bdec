"""The Python event backbone: CloudEvents 1.0 (structured-mode JSON) over Redis Streams, at least once, typed by
the contract (contract_types: the envelope and payload models, event types, streams and consumer groups).

Mapping onto a stream entry (identical in the Java services):
`XADD <stream> MAXLEN ~ <retention> * cloudevent <event JSON>`: exactly one field, `cloudevent`, holding the
whole event; `traceparent` and `tracestate` (W3C) are extension attributes of the event. Retention per stream:
the contract's (contract_types.streams.RETENTION), configurable (EVENTS_RETENTION, ...).

- `EventPublisher.publish(payload, subject=None)`: `payload` is a generated payload model; its event type
  gives the CloudEvent type, dataschema and stream; stamps id, time (microseconds), source and, inside a
  `send <stream>` span, that span's trace context (`events.spans`: the span names and attributes);
  `event_id=derived_event_id(job_id, payload)` for an outcome announced again after a crash (a duplicate then);
  `publish_event(event)` appends an event built elsewhere (relays, replays) as it is; `publish_later(payload)`
  queues the event and returns at once, the sender that `async with publisher.sending()` runs (every app's lifespan
  does) writes the queue in pipelined round trips (what a crash finds queued is lost: for metering only);
- `EventHandlers().on(USER_DELETED, handler)` (or `.on_every_type(handler)`): a handler gets a `TypedEvent`,
  the envelope and `data` as the type's payload model; a type without a handler is acknowledged and ignored;
- `StreamConsumer(redis, EventSettings().consumer(stream=..., group=..., consumer=...), handlers)`: consumer
  group, ack only after the handler succeeded and its idempotency key is written (the keys checked, and the entries
  acknowledged, once per batch: `events.batch`), reclaim of idle
  entries, dead letters in `<stream>.dlq` (at once for a malformed envelope or a payload that breaks its schema), reconnect with
  backoff, graceful shutdown, metrics per stream and group;
- in a service: `runtime.consuming(Subscription(Stream.X, ConsumerGroup.Y, handlers))` in its lifespan hook
  (`service_kit.app`), and the `get_publisher` dependency in its routes;
- `python -m service_kit.events publish|consume ...`: the events tool (cross-language tests, benchmark).
"""

from service_kit.events.consumer import AutoclaimReply, StreamConsumer, parse_autoclaim_reply
from service_kit.events.envelope import (
    CloudEvent,
    MalformedEvent,
    decode_event,
    derived_event_id,
    event_type_of,
    new_event,
    occurred_at,
    subject_of,
    trace_context_of,
)
from service_kit.events.handlers import EventHandlers, Handler, TypedEvent
from service_kit.events.metrics import EventMetrics, default_event_metrics
from service_kit.events.publisher import EVENT_FIELD, EventPublisher
from service_kit.events.settings import ConsumerSettings, EventSettings, StreamRetention, dead_letter_stream
from service_kit.events.wiring import Publisher, Subscription, get_publisher, running_consumers

__all__ = [
    "EVENT_FIELD",
    "AutoclaimReply",
    "CloudEvent",
    "ConsumerSettings",
    "EventHandlers",
    "EventMetrics",
    "EventPublisher",
    "EventSettings",
    "Handler",
    "MalformedEvent",
    "Publisher",
    "StreamConsumer",
    "StreamRetention",
    "Subscription",
    "TypedEvent",
    "dead_letter_stream",
    "decode_event",
    "default_event_metrics",
    "derived_event_id",
    "event_type_of",
    "get_publisher",
    "new_event",
    "occurred_at",
    "parse_autoclaim_reply",
    "running_consumers",
    "subject_of",
    "trace_context_of",
]
