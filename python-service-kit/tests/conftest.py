"""A demo service built with the kit, with routes that exercise each error path."""

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, FastAPI, HTTPException, Query
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from service_kit import ServiceSettings, create_service_app
from service_kit.redis_client import RedisClient, create_redis_client
from service_kit.settings import RedisSettings
from service_kit_testing.events import delete_keys_of_stream

DEMO_PREFIX = "/api/demo"


class Address(BaseModel):
    zip_code: str = Field(pattern=r"^\d{5}$")


class NewUser(BaseModel):
    name: str = Field(min_length=2, max_length=100)
    age: int
    address: Address | None = None


# Included under a prefix, as services do: metrics must still see full route templates.
demo_routes = APIRouter()


@demo_routes.get("/items")
async def list_items(page: Annotated[int, Query(ge=1)] = 1) -> dict[str, int]:
    return {"page": page}


# A second route of the same path: a 405 on /items names both methods.
@demo_routes.post("/items", status_code=201)
async def add_item() -> dict[str, int]:
    return {"item_id": 1}


@demo_routes.get("/items/{item_id}")
async def get_item(item_id: int) -> dict[str, int]:
    return {"item_id": item_id}


@demo_routes.post("/users", status_code=201)
async def create_user(user: NewUser) -> NewUser:
    return user


# One router under two prefixes: the same route object serves two templates.
versioned_routes = APIRouter()


@versioned_routes.get("/ping")
async def ping() -> str:
    return "pong"


@demo_routes.put("/items/{item_id}/owner")
async def set_owner(item_id: int, user: NewUser, notify: Annotated[bool, Query()] = False) -> dict[str, int]:
    return {"item_id": item_id}


@demo_routes.post("/reports")
async def start_report() -> None:
    raise HTTPException(status_code=409, detail="A report of this type is already running.")


@demo_routes.get("/teapot")
async def teapot() -> None:
    raise HTTPException(status_code=418, detail="This service brews no coffee.")


@demo_routes.get("/crash")
async def crash() -> None:
    raise RuntimeError("cannot connect with password hunter2")


@pytest.fixture
def make_demo_app() -> Callable[..., FastAPI]:
    def make(settings: ServiceSettings, **options: Any) -> FastAPI:
        app = create_service_app(
            service_name="demo-service", version="1.2.3", api_prefix=DEMO_PREFIX, settings=settings, **options
        )
        app.include_router(demo_routes, prefix=DEMO_PREFIX)
        app.include_router(versioned_routes, prefix=f"{DEMO_PREFIX}/v1")
        app.include_router(versioned_routes, prefix=f"{DEMO_PREFIX}/v2")
        return app

    return make


@pytest.fixture
def demo_app(make_demo_app: Callable[..., FastAPI]) -> FastAPI:
    # Nothing but /health talks to Redis, and the client is created by the lifespan, which a TestClient
    # used outside a `with` block does not run.
    return make_demo_app(ServiceSettings(INSTANCE_ID="demo-1"))


@pytest.fixture
def client(demo_app: FastAPI) -> TestClient:
    return TestClient(demo_app)


@pytest.fixture
async def redis(redis_settings: RedisSettings) -> AsyncIterator[RedisClient]:
    """A client (the kit's own) of the tests' real Redis: REDIS_URL's, or the Redis Cluster of REDIS_CLUSTER_NODES;
    closed after the test."""
    client = create_redis_client(redis_settings)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def stream(redis: RedisClient, unique_name: Callable[[str], str]) -> AsyncIterator[str]:
    """A stream of this test's own; its keys (the stream, its dead letters, idempotency keys) deleted afterwards."""
    name = unique_name("test.stream")
    yield name
    await delete_keys_of_stream(redis, name)
