"""Checks every Python service passes: each service's tests call them with its own names."""

from __future__ import annotations

import importlib.metadata
import json
import platform
import re
import uuid
from collections.abc import Callable
from pathlib import Path

import fastapi
import httpx
from contract_types.events import NotificationBroadcast
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator

from service_kit.contract_drift import compare_files, format_drifts
from service_kit.events import EventPublisher
from service_kit_testing.services import RunningService

RFC3339_UTC = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$"


def check_service_info(app: FastAPI, *, distribution: str, api_prefix: str, schema: Path) -> None:
    """`{api_prefix}/service-info` describes the running service and satisfies its contract schema."""
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


def check_health_up(app: FastAPI) -> None:
    """/health is UP after a real PING of the Redis in REDIS_URL."""
    with TestClient(app) as client:
        response = client.get("/health")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "UP", "checks": {"redis": {"status": "UP"}}}


def check_entry_point(start_service: Callable[..., RunningService], *, module: str, port_env: str,
                      api_prefix: str) -> None:
    """`python -m <module>` (what the launcher and the container run) serves, and logs JSON lines
    carrying the request id when LOG_FORMAT=json."""
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
    response = httpx.get(f"{base_url}{live_path}", timeout=10)
    assert response.status_code == 200, f"GET {base_url}{live_path}: {response.status_code} {response.text[:500]}"
    drifts = compare_files(contract, response.json())
    assert not drifts, (
        f"the live OpenAPI document {base_url}{live_path} drifted from its contract {contract}:\n"
        f"{format_drifts(drifts)}\n"
        "Change the code or the contract (contracts lead: edit the contract first, then the code)."
    )


def check_event_publisher(app: FastAPI, *, service_name: str) -> None:
    """The app publishes through the kit's backbone: the publisher its lifespan opens (what `get_publisher`
    hands to requests) writes CloudEvents with source "/<service_name>" to the stream, counted on /metrics (run
    against the test Redis of REDIS_URL)."""
    stream = f"test.publisher.{service_name}.{uuid.uuid4().hex[:8]}"
    with TestClient(app) as client:
        publisher, redis = client.app_state["publisher"], client.app_state["redis"]
        assert isinstance(publisher, EventPublisher)
        event = client.portal.call(lambda: publisher.publish(sample_broadcast("wired"), stream=stream))
        entries = client.portal.call(redis.xrange, stream)
        client.portal.call(redis.delete, stream)
        metrics = client.get("/metrics").text
    assert event.source == f"/{service_name}"
    assert [json.loads(fields["cloudevent"]) for _, fields in entries] == [json.loads(event.model_dump_json())]
    assert f'events_published_total{{stream="{stream}",type="notification.broadcast"}} 1.0' in metrics


def sample_broadcast(message: str = "hello") -> NotificationBroadcast:
    """A valid `notification.broadcast` payload (contract_types.events.NotificationBroadcast): the event tests
    publish when the type does not matter."""
    return NotificationBroadcast(broadcast_id=str(uuid.uuid4()), message=message, severity="info",
                                 sent_by="7c9e6679-7425-40de-944b-e07fc1f90ae7", sent_at="2026-11-24T21:00:00Z")
