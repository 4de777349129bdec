"""Health probes: HTTP readiness for services, a RESP PING for Redis."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from typing import NamedTuple

from .config import Part, Settings

PROBE_TIMEOUT_SECONDS = 2.0


class Health(NamedTuple):
    healthy: bool  # ready: HTTP 200 on its health path, PONG from Redis
    answered: bool  # the process answered at all (any HTTP status, any Redis reply): it is alive, not hung
    detail: str


def redis_reply(port: int, host: str = "127.0.0.1", timeout: float = 1.0) -> bytes | None:
    """Redis' first reply line to PING (b"+PONG", b"-LOADING ..."); None when nothing answered."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.sendall(b"*1\r\n$4\r\nPING\r\n")
            reply = s.recv(64)
            return reply.split(b"\r\n", 1)[0] if reply else None
    except OSError:
        return None


def redis_ping(port: int, host: str = "127.0.0.1", timeout: float = 1.0) -> bool:
    return (redis_reply(port, host, timeout) or b"").startswith(b"+PONG")


def http_status(url: str, timeout: float = PROBE_TIMEOUT_SECONDS) -> tuple[int, str]:
    """(status code, short detail); status 0 when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, _summary(response.read())
    except urllib.error.HTTPError as e:
        return e.code, _summary(e.read())
    except (OSError, ValueError) as e:
        return 0, str(getattr(e, "reason", e))


def _summary(body: bytes) -> str:
    try:
        return str(json.loads(body).get("status", ""))
    except (ValueError, AttributeError):
        return ""


def check(settings: Settings, part: Part, timeout: float = PROBE_TIMEOUT_SECONDS, liveness: bool = False) -> Health:
    """What one part of a platform instance answers on its health path, or on its liveness probe's path when
    `liveness` (PING for Redis)."""
    port = settings.ports[part.name]
    if part.kind == "redis":
        reply = redis_reply(port, timeout=timeout)
        if reply is None:
            return Health(False, False, "no answer to PING")
        return Health(reply.startswith(b"+PONG"), True, "PONG" if reply.startswith(b"+PONG")
                      else reply.decode(errors="replace").lstrip("-"))
    path = part.liveness_probe_path if liveness else part.health_path
    status, detail = http_status(f"http://127.0.0.1:{port}{path}", timeout)
    if status == 0:
        return Health(False, False, f"not answering ({detail})")
    return Health(status == 200, True, f"HTTP {status} {detail}".strip())


def probe(settings: Settings, part: Part) -> tuple[bool, str]:
    """(healthy, what was seen) for one part of a platform instance."""
    health = check(settings, part)
    return health.healthy, health.detail
