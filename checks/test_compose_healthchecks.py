"""The healthcheck commands of compose.yaml really work: each one is run here, exactly as written,
against a stand-in HTTP server that answers like the service (200 when ready, 503 when not).

The containers cannot be started on a machine without Docker, but their probes are plain bash and
Python, so what they do with a real HTTP answer can still be checked. Only the port is rewritten,
to the stand-in's; for the Python probes `python` is this interpreter (in the image it is the venv's).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

PROBES = {
    "gateway": ("/actuator/health/readiness", "8080"),
    "auth-service": ("/actuator/health/readiness", "8081"),
    "notification-service": ("/actuator/health/readiness", "8082"),
    "inference-bridge": ("/health", "8001"),
    "reporting-bridge": ("/health", "8002"),
    "inference-worker": ("/health", "8011"),
    "reporting-worker": ("/health", "8012"),
}


@contextmanager
def stand_in_service(health_path: str, status: int) -> Iterator[int]:
    """An HTTP server answering `status` on `health_path` and 404 elsewhere; yields its port."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # http.server's naming
            code = status if self.path == health_path else 404
            body = b'{"status":"UP"}' if code == 200 else b'{"status":"DOWN"}'
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def run_probe(test: list[str], container_port: str, stand_in_port: int) -> int:
    kind, *argv = test
    assert kind == "CMD", "probes are exec form: no shell of the image is assumed"
    argv = [
        arg.replace(f"/dev/tcp/127.0.0.1/{container_port}", f"/dev/tcp/127.0.0.1/{stand_in_port}").replace(
            f"http://127.0.0.1:{container_port}/", f"http://127.0.0.1:{stand_in_port}/"
        )
        for arg in argv
    ]
    assert any(str(stand_in_port) in arg for arg in argv), "the probe does not use the service's port"
    if argv[0] == "python":
        argv[0] = sys.executable
    elif shutil.which(argv[0]) is None:
        pytest.fail(f"{argv[0]} is needed on this machine to run the probe", pytrace=False)
    return subprocess.run(argv, check=False, capture_output=True, timeout=20).returncode


@pytest.mark.parametrize("name", sorted(PROBES))
@pytest.mark.parametrize(("status", "healthy"), [(200, True), (503, False)], ids=["ready", "not-ready"])
def test_probe_follows_the_readiness_answer(compose_project: dict, name: str, status: int, healthy: bool) -> None:
    health_path, container_port = PROBES[name]
    test = compose_project["services"][name]["healthcheck"]["test"]
    with stand_in_service(health_path, status) as port:
        exit_code = run_probe(test, container_port, port)
    assert (exit_code == 0) is healthy, f"{name}: probe exited {exit_code} for HTTP {status}"


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe_fails_when_nothing_listens(compose_project: dict, name: str) -> None:
    _, container_port = PROBES[name]
    test = compose_project["services"][name]["healthcheck"]["test"]
    with stand_in_service("/", 200) as port:
        pass  # started and stopped: the port is now (almost certainly) closed
    assert run_probe(test, container_port, port) != 0
