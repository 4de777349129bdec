"""`EventPublisher`: CloudEvents onto Redis Streams, one entry per event: `XADD <stream> MAXLEN ~ <retention> *
cloudevent <JSON>`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from redis.asyncio import Redis

from service_kit.events.envelope import CloudEvent
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
        self, stream: str, type: str, data: Mapping[str, Any], subject: str | None = None
    ) -> CloudEvent:
        """Publishes a new event of `type` carrying `data` (snake_case) and returns it (its `id` included).

        Inside a consumer's handler the event continues the handled event's trace; elsewhere it starts one.
        """
        event = CloudEvent.create(
            source=self.source, type=type, data=data, subject=subject
        )
        await self.publish_event(stream, event)
        return event

    async def publish_event(self, stream: str, event: CloudEvent) -> str:
        """Appends an event built elsewhere (a relay, a replay) as it is; returns the stream entry id."""
        entry_id: str = await self.redis.xadd(
            stream,
            {EVENT_FIELD: event.to_json()},
            maxlen=self.retention.for_stream(stream),
            approximate=True,
        )
        self.metrics.published.labels(stream, event.type).inc()
        return entry_id
