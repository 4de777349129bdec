"""`EventPublisher`: CloudEvents onto Redis Streams, one entry per event: `XADD <stream> MAXLEN ~ <retention> *
cloudevent <JSON>`."""

from __future__ import annotations

from contract_types.event_types import EVENT_TYPES
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Tracer
from pydantic import BaseModel

from service_kit.events.envelope import CloudEvent, event_type_of, new_event
from service_kit.events.metrics import EventMetrics, default_event_metrics
from service_kit.events.settings import StreamRetention
from service_kit.events.spans import MESSAGE_ID, messaging_attributes
from service_kit.redis_client import RedisClient
from service_kit.tracing import TRACER_NAME

# The one field of a stream entry; its value is the event's structured-mode JSON text.
EVENT_FIELD = "cloudevent"


class EventPublisher:
    """Publishes the events of one service (`source` = "/" + its name), each inside a `send <stream>` span of
    `tracer` (the app's: `ServiceRuntime.tracer`; default: the global provider's, a no-op unless one is set)."""

    def __init__(
        self,
        redis: RedisClient,
        *,
        source: str,
        retention: StreamRetention | None = None,
        metrics: EventMetrics | None = None,
        tracer: Tracer | None = None,
    ) -> None:
        self.redis = redis
        self.source = source
        self.retention = retention or StreamRetention()
        self.metrics = metrics or default_event_metrics()
        self.tracer = tracer or trace.get_tracer(TRACER_NAME)

    async def publish(
        self,
        payload: BaseModel,
        *,
        subject: str | None = None,
        event_id: str | None = None,
        stream: str | None = None,
    ) -> CloudEvent:
        """Publishes a new event carrying `payload`, a generated payload model (contract_types.events), and
        returns it (its `id` included). The type, dataschema and stream are the contract's for that model
        (contract_types.event_types); `stream` redirects it, for tools and tests that must not write to the
        platform's streams. `event_id` replaces the fresh id (see `new_event`).

        Inside a PRODUCER span `send <stream>`, a child of the current span (a request's, a consumer's `process`
        span, a worker's job span) or a new root; the event carries that span's context (`traceparent`), so the
        consumer's `process <stream>` span is its child.
        """
        event_type = event_type_of(payload)
        stream = stream or event_type.stream
        with self.tracer.start_as_current_span(
            f"send {stream}", kind=SpanKind.PRODUCER, attributes=messaging_attributes(stream, "send", event_type.type)
        ) as span:
            event = new_event(payload, source=self.source, subject=subject, event_id=event_id)
            span.set_attribute(MESSAGE_ID, event.id)
            await self.publish_event(event, stream=stream)
        return event

    async def publish_event(self, event: CloudEvent, *, stream: str | None = None) -> str:
        """Appends an event built elsewhere (a relay, a replay) as it is, to `stream` (default: its type's stream
        in the contract); returns the stream entry id. No span of its own: the event carries the trace context
        it was made in."""
        if stream is None:
            if event.type not in EVENT_TYPES:
                raise ValueError(f"{event.type} is not an event type of the contract: name the stream")
            stream = EVENT_TYPES[event.type].stream
        entry_id: str = await self.redis.xadd(
            stream,
            {EVENT_FIELD: event.model_dump_json()},
            maxlen=self.retention.for_stream(stream),
            approximate=True,
        )
        self.metrics.published.labels(stream, event.type).inc()
        return entry_id
