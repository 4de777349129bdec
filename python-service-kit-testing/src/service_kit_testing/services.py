"""A service started as its own process (`python -m <module>`, as the launcher and the containers run it)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from service_kit.settings import RedisSettings
from service_kit_testing.processes import free_port, terminate

SERVICE_START_TIMEOUT_SECONDS = 30


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


@contextmanager
def started_services(redis: RedisSettings, folder: Path) -> Iterator[Callable[..., RunningService]]:
    """`start(module, port_env=..., **environment)` starts `python -m <module>` on a free port of 127.0.0.1
    against the Redis of `redis`, logging into `folder`, and returns once its /health answers; every service
    started is stopped when the block ends."""
    processes: list[subprocess.Popen[bytes]] = []

    def start(module: str, *, port_env: str, **environment: str) -> RunningService:
        port = free_port()
        env = {**os.environ, **redis.environment(), "BIND_ADDRESS": "127.0.0.1", port_env: str(port), **environment}
        log_file = folder / f"{module}.log"
        with log_file.open("wb") as log:
            process = subprocess.Popen([sys.executable, "-m", module], env=env, stdout=log, stderr=subprocess.STDOUT)
        processes.append(process)
        service = RunningService(base_url=f"http://127.0.0.1:{port}", log_file=log_file)
        _wait_until_answering(service, process)
        return service

    try:
        yield start
    finally:
        for process in processes:
            terminate(process)


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


