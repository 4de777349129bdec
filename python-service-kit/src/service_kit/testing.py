"""Pytest fixtures for every Python test suite, loaded by pytest through service-kit's `pytest11` entry point.

Integration tests run against a real Redis, never a mock: `./platform test` starts one and sets
REDIS_URL. Without it, a test that needs Redis fails (a skip would hide that nothing was tested).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REDIS_URL_MISSING = "REDIS_URL is not set: run it through ./platform test (or set REDIS_URL)"
SERVICE_START_TIMEOUT_SECONDS = 30


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The URL of the real Redis the tests may use."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail(REDIS_URL_MISSING, pytrace=False)
    return url


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


REDIS_SERVER_START_TIMEOUT_SECONDS = 10


@dataclass
class PrivateRedis:
    """A redis-server of the test's own, on a fixed free port, that the test may stop and start again
    (a restart loses everything: no persistence, like a crashed cache)."""

    binary: str
    port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def log_file(self) -> Path:
        return self.directory / "redis.log"

    def start(self) -> None:
        if self.process is not None:
            raise RuntimeError("this Redis runs already")
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                   "no", "--dir", str(self.directory), "--logfile", str(self.log_file)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + REDIS_SERVER_START_TIMEOUT_SECONDS
        while not self._answers_ping():
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = self.log_file.read_text() if self.log_file.exists() else ""
                self.stop()
                pytest.fail(f"redis-server on port {self.port} did not start:\n{log}")
            time.sleep(0.02)

    def stop(self) -> None:
        """Stops the server (SIGTERM, then SIGKILL) and returns once the port is free."""
        process, self.process = self.process, None
        if process is not None:
            _terminate(process)

    def restart(self) -> None:
        self.stop()
        self.start()

    def _answers_ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A running redis-server of this test's own (REDIS_SERVER_BINARY, default `redis-server` on PATH)
    that it may stop, start and restart on the same port; stopped after the test. Fails without a binary."""
    binary = os.environ.get("REDIS_SERVER_BINARY") or shutil.which("redis-server")
    if not binary or not Path(binary).exists():
        pytest.fail("no redis-server: put one on PATH or set REDIS_SERVER_BINARY", pytrace=False)
    directory = tmp_path / "private-redis"
    directory.mkdir()
    server = PrivateRedis(binary=binary, port=_free_port(), directory=directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def wait_until(condition: Callable[[], object], *, timeout: float = 10, interval: float = 0.02,
               message: str = "condition") -> object:
    """Polls `condition` until it returns something truthy (returned), failing the test after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"{message} not met within {timeout} s (last value: {result!r})")
        time.sleep(interval)


async def wait_until_async(condition: Callable[[], object], *, timeout: float = 10, interval: float = 0.02,
                           message: str = "condition") -> object:
    """`wait_until` for async tests: `condition` may be a coroutine function."""
    import asyncio
    import inspect

    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"{message} not met within {timeout} s (last value: {result!r})")
        await asyncio.sleep(interval)


@dataclass
class RunningService:
    base_url: str
    log_file: Path

    def log_lines(self) -> list[str]:
        return self.log_file.read_text().splitlines()

    def wait_for_log_line(self, text: str, timeout: float = 5) -> str:
        """The first log line containing `text`; a service logs a request just after answering it."""
        deadline = time.monotonic() + timeout
        while True:
            line = next((line for line in self.log_lines() if text in line), None)
            if line is not None:
                return line
            if time.monotonic() > deadline:
                pytest.fail(f"no log line with {text!r} within {timeout} s:\n" + "\n".join(self.log_lines()))
            time.sleep(0.05)


@pytest.fixture
def start_service(redis_url: str, tmp_path: Path) -> Iterator[Callable[..., RunningService]]:
    """Starts `python -m <module>` as the launcher does, on a free port of 127.0.0.1, against the test
    Redis, and returns once its /health answers; stops it after the test. Extra keyword arguments are
    environment variables."""
    processes: list[subprocess.Popen[bytes]] = []

    def start(module: str, *, port_env: str, **environment: str) -> RunningService:
        port = _free_port()
        env = {**os.environ, "REDIS_URL": redis_url, "BIND_ADDRESS": "127.0.0.1", port_env: str(port), **environment}
        log_file = tmp_path / f"{module}.log"
        with log_file.open("wb") as log:
            process = subprocess.Popen([sys.executable, "-m", module], env=env, stdout=log, stderr=subprocess.STDOUT)
        processes.append(process)
        service = RunningService(base_url=f"http://127.0.0.1:{port}", log_file=log_file)
        _wait_until_answering(service, process)
        return service

    yield start
    for process in processes:
        _terminate(process)


def _terminate(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if the process is still there after 10 s; returns once it is gone."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_answering(service: RunningService, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + SERVICE_START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the service exited with code {process.returncode}:\n" + "\n".join(service.log_lines()))
        try:
            urllib.request.urlopen(f"{service.base_url}/health", timeout=1).close()
            return
        except urllib.error.HTTPError:
            return  # it answers (a 503 is the test's business)
        except OSError:
            time.sleep(0.1)
    log = "\n".join(service.log_lines())
    pytest.fail(f"the service did not answer within {SERVICE_START_TIMEOUT_SECONDS} s:\n{log}")


# -- checks every Python service passes: each service's tests call them with its own names ----------
# (imports are local: this module is loaded as a pytest plugin, where test-only libraries may be absent)

RFC3339_UTC = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$"


def check_service_info(app, *, distribution: str, api_prefix: str, schema: Path) -> None:
    """`{api_prefix}/service-info` describes the running service and satisfies its contract schema."""
    import importlib.metadata
    import json
    import platform
    import re

    import fastapi
    from fastapi.testclient import TestClient
    from jsonschema import Draft202012Validator

    with TestClient(app) as client:
        response = client.get(f"{api_prefix}/service-info")
    assert response.status_code == 200, response.text
    info = response.json()
    assert info == {
        "service": distribution,
        "version": importlib.metadata.version(distribution),
        "language": "python",
        "runtime": f"Python {platform.python_version()}",
        "framework": f"FastAPI {fastapi.__version__}",
        "instance_id": info["instance_id"],
        "started_at": info["started_at"],
    }
    assert re.match(RFC3339_UTC, info["started_at"]), info["started_at"]
    Draft202012Validator(json.loads(schema.read_text())).validate(info)


def check_health_up(app) -> None:
    """/health is UP after a real PING of the Redis in REDIS_URL."""
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        response = client.get("/health")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "UP", "checks": {"redis": {"status": "UP"}}}


def check_entry_point(start_service: Callable[..., RunningService], *, module: str, port_env: str,
                      api_prefix: str) -> None:
    """`python -m <module>` (what the launcher and the container run) serves, and logs JSON lines
    carrying the request id when LOG_FORMAT=json."""
    import json

    import httpx

    service = start_service(module, port_env=port_env, LOG_FORMAT="json", INSTANCE_ID=f"{module}-test-1")
    assert httpx.get(f"{service.base_url}/health").json()["status"] == "UP"
    response = httpx.get(f"{service.base_url}{api_prefix}/service-info", headers={"X-Request-Id": f"{module}-check"})
    assert response.json()["instance_id"] == f"{module}-test-1"
    assert httpx.get(f"{service.base_url}/docs").status_code == 200

    access = json.loads(service.wait_for_log_line(f'"request_id":"{module}-check"'))
    assert access["route"] == f"{api_prefix}/service-info"
    assert all(json.loads(line) for line in service.log_lines()), "every line, uvicorn's too, is JSON"


def check_contract_drift(base_url: str, contract: Path, live_path: str = "/openapi.json") -> None:
    """The live OpenAPI document at `base_url + live_path` (FastAPI's /openapi.json, springdoc's
    /v3/api-docs) means what the contract file says: service_kit.contract_drift finds no drift."""
    import httpx

    from service_kit.contract_drift import compare_files, format_drifts

    response = httpx.get(f"{base_url}{live_path}", timeout=10)
    assert response.status_code == 200, f"GET {base_url}{live_path}: {response.status_code} {response.text[:500]}"
    drifts = compare_files(contract, response.json())
    assert not drifts, (
        f"the live OpenAPI document {base_url}{live_path} drifted from its contract {contract}:\n"
        f"{format_drifts(drifts)}\n"
        "Change the code or the contract (contracts lead: edit the contract first, then the code)."
    )


def check_event_publisher(app, *, service_name: str) -> None:
    """The app publishes through the kit's backbone: `app.state.publisher` writes CloudEvents with source
    "/<service_name>" to the stream, counted on /metrics (run against the test Redis of REDIS_URL)."""
    import json
    import uuid

    from fastapi.testclient import TestClient

    from service_kit.events import EventPublisher

    stream = f"test.publisher.{service_name}.{uuid.uuid4().hex[:8]}"
    with TestClient(app) as client:
        publisher = app.state.publisher
        assert isinstance(publisher, EventPublisher)
        event = client.portal.call(lambda: publisher.publish(sample_broadcast("wired"), stream=stream))
        entries = client.portal.call(app.state.redis.xrange, stream)
        client.portal.call(app.state.redis.delete, stream)
        metrics = client.get("/metrics").text
    assert event.source == f"/{service_name}"
    assert [json.loads(fields["cloudevent"]) for _, fields in entries] == [json.loads(event.model_dump_json())]
    assert f'events_published_total{{stream="{stream}",type="notification.broadcast"}} 1.0' in metrics


def sample_broadcast(message: str = "hello") -> Any:
    """A valid `notification.broadcast` payload (contract_types.events.NotificationBroadcast): the event tests
    publish when the type does not matter."""
    from contract_types.events import NotificationBroadcast

    return NotificationBroadcast(broadcast_id=str(uuid.uuid4()), message=message, severity="info",
                                 sent_by="7c9e6679-7425-40de-944b-e07fc1f90ae7", sent_at="2026-11-24T21:00:00Z")
