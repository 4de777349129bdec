"""Fixtures of reporting-bridge's tests: its database on SQLite and on PostgreSQL, access tokens, and apps.

Helpers shared with the benchmark are in event_store_data.py; those shared with the other services' tests
in service_kit_testing.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from reporting_bridge.store.database import create_database_engine, database_url, migrate
from reporting_bridge.store.tables import metadata
from service_kit.auth import get_token_verifier
from service_kit_testing.tokens import Tokens


def _reset(engine: Engine) -> None:
    metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """REPORTING_DATABASE_URL of an empty database: a SQLite file, or the test PostgreSQL (TEST_POSTGRES_URL)."""
    if request.param == "sqlite":
        return database_url(tmp_path)
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.fail("TEST_POSTGRES_URL is not set: run through ./platform test python", pytrace=False)
    engine = create_database_engine(database_url(tmp_path, url))
    _reset(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(database: str, tmp_path: Path) -> Iterator[Engine]:
    engine = create_database_engine(database_url(tmp_path, database))
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def tokens() -> Tokens:
    return Tokens()


@dataclass
class Person:
    id: str
    headers: dict[str, str]


@pytest.fixture
def people(tokens: Tokens) -> Callable[[str], Person]:
    def make(role: str) -> Person:
        user_id = str(uuid.uuid4())
        return Person(user_id, tokens.headers(user_id, role))

    return make


@pytest.fixture
def platform_env(database: str, tmp_path: Path, private_redis, monkeypatch: pytest.MonkeyPatch) -> str:
    """The environment of a reporting-bridge and its worker: this test's database, data folder and Redis (a
    private one: the apps use the platform's fixed stream names)."""
    monkeypatch.setenv("REPORTING_DATABASE_URL", database)
    monkeypatch.setenv("PLATFORM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("REDIS_URL", private_redis.url)
    monkeypatch.delenv("REDIS_CLUSTER_NODES", raising=False)  # that Redis even in the `cluster` suite
    # A job left by a killed worker is taken over after 1 s instead of 30 s.
    monkeypatch.setenv("EVENTS_MIN_IDLE_MS", "1000")
    monkeypatch.setenv("EVENTS_RECLAIM_INTERVAL_MS", "200")
    monkeypatch.setenv("EVENTS_BLOCK_MS", "200")
    return private_redis.url


@pytest.fixture
def service(platform_env: str, tokens: Tokens) -> Iterator[TestClient]:
    from reporting_bridge.app import create_app

    app = create_app()
    verifier = tokens.verifier()
    app.dependency_overrides[get_token_verifier] = lambda: verifier
    with TestClient(app) as client:
        yield client


@pytest.fixture
def worker(platform_env: str) -> Iterator[TestClient]:
    from reporting_bridge.worker.app import create_worker_app

    with TestClient(create_worker_app()) as client:
        yield client
