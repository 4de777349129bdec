"""`EventPublisher`: CloudEvents onto Redis Streams, one entry per event: `XADD <stream> MAXLEN ~ <retention> *
cloudevent <JSON>`."""

from __future__ import annotations

from contract_types.event_types import EVENT_TYPES
from pydantic import BaseModel
from redis.asyncio import Redis

from service_kit.events.envelope import CloudEvent, event_type_of, new_event
from service_kit.events.metrics import EventMetrics, default_event_metrics
from service_kit.events.settings import StreamRetention

# The one field of a stream entry; its value is the event's structured-mode JSON text.
EVENT_FIELD = "cloudevent"


class EventPublisher:
    """Publishes the events of one service (`source` = "/" + its name), stamping the current trace."""

    def __init__(
        self,
        redis: Redis,
        *,
        source: str,
        retention: StreamRetention | None = None,
        metrics: EventMetrics | None = None,
    ) -> None:
        self.redis = redis
        self.source = source
        self.retention = retention or StreamRetention()
        self.metrics = metrics or default_event_metrics()

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

        Inside a consumer's handler the event continues the handled event's trace; elsewhere it starts one.
        """
        event_type = event_type_of(payload)
        event = new_event(payload, source=self.source, subject=subject, event_id=event_id)
        await self.publish_event(event, stream=stream or event_type.stream)
        return event

    async def publish_event(self, event: CloudEvent, *, stream: str | None = None) -> str:
        """Appends an event built elsewhere (a relay, a replay) as it is, to `stream` (default: its type's stream
        in the contract); returns the stream entry id."""
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
