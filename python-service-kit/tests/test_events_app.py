"""The backbone inside a service: create_service_app gives the app a publisher and runs the consumers its
lifespan hook asks for (stopped gracefully on shutdown), with the event metrics on /metrics."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi.testclient import TestClient

from service_kit import ServiceRuntime, ServiceSettings, create_service_app
from service_kit.events import CloudEvent, EventHandlers, Subscription, TypedEvent
from service_kit.settings import RedisSettings
from service_kit_testing.checks import check_event_publisher, sample_broadcast
from service_kit_testing.waiting import wait_until


def test_the_app_publishes_through_the_kit(redis_settings: RedisSettings):
    app = create_service_app(service_name="demo-service", version="1.2.3", api_prefix="/api/demo",
                             settings=ServiceSettings(**redis_settings.environment(), INSTANCE_ID="demo-1"))
    check_event_publisher(app, service_name="demo-service")


def test_consumers_run_while_the_app_runs(redis_settings: RedisSettings):
    stream = f"test.app.{uuid.uuid4().hex[:8]}"
    handled: list[CloudEvent] = []

    async def handle(event: TypedEvent[Any]) -> None:
        handled.append(event.envelope)

    @asynccontextmanager
    async def consuming(runtime: ServiceRuntime) -> AsyncIterator[None]:
        subscription = Subscription(stream, "demo-service", EventHandlers().on_every_type(handle), {"block_ms": 100})
        async with runtime.consuming(subscription):
            yield

    app = create_service_app(
        service_name="demo-service", version="1.2.3", api_prefix="/api/demo",
        settings=ServiceSettings(**redis_settings.environment(), INSTANCE_ID="demo-7"), lifespan=consuming,
    )
    with TestClient(app) as client:
        publisher, redis = client.app_state["publisher"], client.app_state["redis"]
        event = client.portal.call(lambda: publisher.publish(sample_broadcast("x"), stream=stream))
        wait_until(lambda: handled == [event], message="the event handled by the app's consumer")
        consumers = client.portal.call(redis.xinfo_consumers, stream, "demo-service")
        wait_until(lambda: 'events_acked_total{group="demo-service",stream="' + stream + '"} 1.0'
                   in client.get("/metrics").text, message="the ack counted on /metrics")
        for key in (stream, f"{{{stream}}}:demo-service:processed:{event.id}"):
            client.portal.call(redis.delete, key)
    assert [consumer["name"] for consumer in consumers] == ["demo-7"]
