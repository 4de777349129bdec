"""The pytest plugin of the platform's Python test suites (registered through this package's `pytest11` entry
point): fixtures for a real Redis, never a mock. `./platform test` starts one and sets REDIS_URL; without it, a
test that needs Redis fails (a skip would hide that nothing was tested). With REDIS_CLUSTER_NODES set (the `cluster`
suite of ./platform test, against a real three-master Redis Cluster), `redis_settings` name that cluster: the tests
written against `redis_settings` (and the services they start, which read the same variables) then run on it.
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from service_kit.settings import RedisSettings
from service_kit_testing.processes import free_port
from service_kit_testing.redis_server import PrivateRedis
from service_kit_testing.services import RunningService, started_services

REDIS_URL_MISSING = "REDIS_URL is not set: run it through ./platform test (or set REDIS_URL or REDIS_CLUSTER_NODES)"


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The URL of the real Redis the tests may use."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail(REDIS_URL_MISSING, pytrace=False)
    return url


@pytest.fixture(scope="session")
def redis_settings() -> RedisSettings:
    """The real Redis the tests may use, read from the environment as a service reads it: the Redis Cluster of
    REDIS_CLUSTER_NODES if set, else the node of REDIS_URL. `service_kit.redis_client.create_redis_client` connects
    to it; `redis_settings.environment()` hands it to a process the test starts."""
    if not os.environ.get("REDIS_URL") and not os.environ.get("REDIS_CLUSTER_NODES", "").strip():
        pytest.fail(REDIS_URL_MISSING, pytrace=False)
    return RedisSettings()


@pytest.fixture
def unreachable_redis_url() -> Iterator[str]:
    """A Redis URL on which connections are refused: the port stays bound for the test, so no other
    process can start listening on it, but nothing listens."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        yield f"redis://127.0.0.1:{placeholder.getsockname()[1]}/0"


@pytest.fixture
def unique_name(request: pytest.FixtureRequest) -> Callable[[str], str]:
    """`unique_name("orders")` -> "orders.<test name>.<random>": streams, groups and keys of one test run
    never meet those of another test (or of an earlier run against the same Redis)."""
    test = "".join(c if c.isalnum() else "-" for c in request.node.name)[:60]
    suffix = uuid.uuid4().hex[:8]
    return lambda base: f"{base}.{test}.{suffix}"


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A running redis-server of this test's own (REDIS_SERVER_BINARY, default `redis-server` on PATH)
    that it may stop, start and restart on the same port; stopped after the test. Fails without a binary."""
    binary = os.environ.get("REDIS_SERVER_BINARY") or shutil.which("redis-server")
    if not binary or not Path(binary).exists():
        pytest.fail("no redis-server: put one on PATH or set REDIS_SERVER_BINARY", pytrace=False)
    directory = tmp_path / "private-redis"
    directory.mkdir()
    server = PrivateRedis(binary=binary, port=free_port(), directory=directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def start_service(redis_settings: RedisSettings, tmp_path: Path) -> Iterator[Callable[..., RunningService]]:
    """Starts `python -m <module>` as the launcher does, on a free port of 127.0.0.1, against the test
    Redis, and returns once its /health answers; stops it after the test. Extra keyword arguments are
    environment variables."""
    with started_services(redis_settings, tmp_path) as start:
        yield start
