"""Health probes: HTTP readiness for services, a RESP PING for Redis."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request

from .config import Part, Settings


def redis_ping(port: int, host: str = "127.0.0.1", timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.sendall(b"*1\r\n$4\r\nPING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def http_status(url: str, timeout: float = 2.0) -> tuple[int, str]:
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


def probe(settings: Settings, part: Part) -> tuple[bool, str]:
    """(healthy, what was seen) for one part of a platform instance."""
    port = settings.ports[part.name]
    if part.kind == "redis":
        ok = redis_ping(port)
        return ok, "PONG" if ok else "no answer to PING"
    status, detail = http_status(f"http://127.0.0.1:{port}{part.health_path}")
    if status == 0:
        return False, f"not answering ({detail})"
    return status == 200, f"HTTP {status} {detail}".strip()
