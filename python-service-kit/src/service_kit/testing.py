"""Pytest fixtures for every Python test suite, loaded by pytest through service-kit's `pytest11` entry point.

Integration tests run against a real Redis, never a mock: `./platform test` starts one and sets
REDIS_URL. Without it, a test that needs Redis fails (a skip would hide that nothing was tested).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

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
