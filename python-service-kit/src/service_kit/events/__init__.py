"""The Python event backbone: CloudEvents 1.0 (structured-mode JSON) over Redis Streams, at least once.

Mapping onto a stream entry (identical in the Java services):
`XADD <stream> MAXLEN ~ <retention> * cloudevent <event JSON>`: exactly one field, `cloudevent`, holding the
whole event; `traceparent` (W3C) is an extension attribute of the event. Retention per stream:
`settings.DEFAULT_RETENTION`, every `<stream>.dlq` 10000, configurable (EVENTS_RETENTION, ...).

- `EventPublisher.publish(stream, type, data, subject=None)`: stamps id, time (microseconds), source and the
  current trace;
- `StreamConsumer(redis, ConsumerSettings(...), handler)`: consumer group, ack only after the handler
  succeeded (with the idempotency key, in one MULTI/EXEC), reclaim of idle entries, dead letters in
  `<stream>.dlq`, reconnect with backoff, graceful shutdown, metrics per stream and group;
- in a service: `create_service_app(..., consumers=[Subscription(stream, group, handler)])`, and
  `app.state.publisher` (or the `get_publisher` dependency);
- `python -m service_kit.events publish|consume ...`: the events tool (cross-language tests, benchmark).
"""

from service_kit.events.consumer import AutoclaimReply, Handler, StreamConsumer, parse_autoclaim_reply
from service_kit.events.envelope import CloudEvent, MalformedEvent
from service_kit.events.metrics import EventMetrics, default_event_metrics
from service_kit.events.publisher import EVENT_FIELD, EventPublisher
from service_kit.events.settings import ConsumerSettings, StreamRetention, dead_letter_stream
from service_kit.events.trace_context import TraceContext, current_trace, use_trace
from service_kit.events.wiring import Subscription, get_publisher, running_consumers

__all__ = [
    "EVENT_FIELD",
    "AutoclaimReply",
    "CloudEvent",
    "ConsumerSettings",
    "EventMetrics",
    "EventPublisher",
    "Handler",
    "MalformedEvent",
    "StreamConsumer",
    "StreamRetention",
    "Subscription",
    "TraceContext",
    "current_trace",
    "dead_letter_stream",
    "default_event_metrics",
    "get_publisher",
    "parse_autoclaim_reply",
    "running_consumers",
    "use_trace",
]
