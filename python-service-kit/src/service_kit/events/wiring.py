"""Running the backbone inside a FastAPI service: the publisher as a dependency, consumers in the lifespan.

In a service's lifespan (see `service_kit.app`), `runtime.consuming(Subscription(Stream.INFERENCE_JOBS,
ConsumerGroup.INFERENCE_WORKER, EventHandlers().on(INFERENCE_JOB_REQUESTED, run_job)))` is all it writes (the
names are the contract's: contract_types.streams and contract_types.event_types); `running_consumers` is there
for scripts.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from opentelemetry.trace import Tracer

from service_kit.events.consumer import StreamConsumer
from service_kit.events.handlers import EventHandlers
from service_kit.events.metrics import EventMetrics
from service_kit.events.publisher import EventPublisher
from service_kit.events.settings import EventSettings
from service_kit.redis_client import RedisClient


@dataclass(frozen=True)
class Subscription:
    """What a service consumes: `handlers` get each event of `stream` once per `group` (a `Stream` and a
    `ConsumerGroup` of contract_types.streams in a service). `options` override ConsumerSettings fields
    (e.g. {"max_deliveries": 3}); everything else comes from the environment (`EventSettings`)."""

    stream: str
    group: str
    handlers: EventHandlers
    options: Mapping[str, Any] = field(default_factory=dict)

    def consumer(
        self, redis: RedisClient, events: EventSettings, *, consumer_name: str, metrics: EventMetrics | None = None,
        tracer: Tracer | None = None,
    ) -> StreamConsumer:
        options = {"consumer": consumer_name, **self.options}
        settings = events.consumer(stream=self.stream, group=self.group, **options)
        return StreamConsumer(redis, settings, self.handlers, metrics=metrics, tracer=tracer)


@asynccontextmanager
async def running_consumers(consumers: Sequence[StreamConsumer]) -> AsyncIterator[Sequence[StreamConsumer]]:
    """Starts every consumer; on exit stops them all at once (each waits for its in-flight handlers)."""
    started: list[StreamConsumer] = []
    try:
        for consumer in consumers:
            await consumer.start()
            started.append(consumer)
        yield consumers
    finally:
        await asyncio.gather(*(consumer.stop() for consumer in started))


async def get_publisher(request: Request) -> EventPublisher:
    """FastAPI dependency: `publisher: Annotated[EventPublisher, Depends(get_publisher)]`, the app's, which its
    lifespan opens (`create_service_app`) and hands to requests in the lifespan state. `async`, although it awaits
    nothing: FastAPI runs a plain function dependency in a worker thread, on every request."""
    publisher: EventPublisher = request.state.publisher
    return publisher


Publisher = Annotated[EventPublisher, Depends(get_publisher)]
