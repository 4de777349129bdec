"""A redis-server of a test's own (`PrivateRedis`), which the test may stop and start again; also what the
benchmarks and the cross-language tests start their Redis with."""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from service_kit_testing.processes import terminate

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
            terminate(process)

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
