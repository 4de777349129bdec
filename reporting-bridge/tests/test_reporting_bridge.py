"""reporting-bridge through its real app and its real entry point, against the test Redis (REDIS_URL)."""

import importlib.metadata
import json
import platform
import re
from pathlib import Path

import fastapi
import httpx
import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator

from reporting_bridge.app import create_app

RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def test_service_info_describes_the_running_service(redis_url: str, pytestconfig: pytest.Config):
    with TestClient(create_app()) as client:
        response = client.get("/api/reports/service-info")
    assert response.status_code == 200, response.text
    info = response.json()
    assert info == {
        "service": "reporting-bridge",
        "version": importlib.metadata.version("reporting-bridge"),
        "language": "python",
        "runtime": f"Python {platform.python_version()}",
        "framework": f"FastAPI {fastapi.__version__}",
        "instance_id": info["instance_id"],
        "started_at": info["started_at"],
    }
    assert RFC3339_UTC.match(info["started_at"]), info["started_at"]
    contract = json.loads(Path(pytestconfig.rootpath, "contracts/schemas/service-info.schema.json").read_text())
    Draft202012Validator(contract).validate(info)


def test_health_is_up_after_a_real_redis_ping(redis_url: str):
    with TestClient(create_app()) as client:
        response = client.get("/health")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "UP", "checks": {"redis": {"status": "UP"}}}


def test_python_m_reporting_bridge_serves_and_logs_json(start_service):
    service = start_service("reporting_bridge", port_env="REPORTING_PORT",
                            LOG_FORMAT="json", INSTANCE_ID="reporting-test-1")

    assert httpx.get(f"{service.base_url}/health").json()["status"] == "UP"
    response = httpx.get(f"{service.base_url}/api/reports/service-info", headers={"X-Request-Id": "reporting-check"})
    assert response.json()["instance_id"] == "reporting-test-1"
    assert httpx.get(f"{service.base_url}/docs").status_code == 200

    access = json.loads(service.wait_for_log_line('"request_id":"reporting-check"'))
    assert access["route"] == "/api/reports/service-info"
    assert all(json.loads(line) for line in service.log_lines()), "every line, uvicorn's too, is JSON"
