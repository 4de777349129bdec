"""The lifespan hook of create_service_app: a service's resources open after the kit's (its Redis client and
publisher are there to use), close before them, and what the hook yields reaches the routes' dependencies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, Request
from fastapi.testclient import TestClient

from service_kit import ServiceRuntime, ServiceSettings, create_service_app
from service_kit.events import EventPublisher, get_publisher


class Greeter:
    def __init__(self, greeting: str) -> None:
        self.greeting = greeting


def get_greeter(request: Request) -> Greeter:
    greeter: Greeter = request.state.greeter
    return greeter


def test_a_services_lifespan_runs_inside_the_kits_and_its_state_reaches_the_routes(redis_url: str):
    seen: list[tuple[str, object]] = []

    @asynccontextmanager
    async def resources(runtime: ServiceRuntime) -> AsyncIterator[dict[str, Greeter]]:
        seen.append(("opened with Redis answering", await runtime.redis.ping()))
        yield {"greeter": Greeter("hello")}
        seen.append(("closed with Redis still answering", await runtime.redis.ping()))

    app = create_service_app(service_name="demo-service", version="1.2.3", api_prefix="/api/demo",
                             settings=ServiceSettings(REDIS_URL=redis_url), lifespan=resources)

    @app.get("/api/demo/greeting")
    async def greeting(greeter: Annotated[Greeter, Depends(get_greeter)],
                       publisher: Annotated[EventPublisher, Depends(get_publisher)]) -> dict[str, str]:
        return {"greeting": greeter.greeting, "source": publisher.source}

    with TestClient(app) as client:
        assert seen == [("opened with Redis answering", True)]
        assert client.get("/api/demo/greeting").json() == {"greeting": "hello", "source": "/demo-service"}
    assert seen == [("opened with Redis answering", True), ("closed with Redis still answering", True)]


def test_a_service_without_a_lifespan_hook_gets_the_kits_resources(redis_url: str):
    app = create_service_app(service_name="demo-service", version="1.2.3", api_prefix="/api/demo",
                             settings=ServiceSettings(REDIS_URL=redis_url))
    with TestClient(app) as client:
        assert sorted(client.app_state) == ["publisher", "redis", "token_verifier"]
        assert client.get("/health").json()["status"] == "UP"
