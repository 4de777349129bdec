"""Every part answers through the gateway: routes, health, metrics, JWKS, problem+json (the WebSocket: test_gateway_edge.py)."""

import os
import re
from pathlib import Path

import pytest

SERVICES = [
    ("/api/gateway", "gateway", "java"),
    ("/api/auth", "auth-service", "java"),
    ("/api/notifications", "notification-service", "java"),
    ("/api/inference", "inference-bridge", "python"),
    ("/api/reports", "reporting-bridge", "python"),
]
RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def test_gateway_is_healthy_and_exposes_prometheus_metrics(gateway):
    health = gateway.get("/actuator/health")
    assert health.status_code == 200, health.text
    assert health.json()["status"] == "UP"
    metrics = gateway.get("/actuator/prometheus")
    assert metrics.status_code == 200
    assert "jvm_memory_used_bytes" in metrics.text


@pytest.mark.parametrize("prefix,service,language", SERVICES, ids=[s[1] for s in SERVICES])
def test_each_service_answers_through_its_gateway_route(gateway, prefix, service, language):
    response = gateway.get(f"{prefix}/service-info")
    assert response.status_code == 200, response.text
    info = response.json()
    assert info["service"] == service
    assert info["language"] == language
    assert set(info) >= {"service", "version", "language", "runtime", "framework", "instance_id", "started_at"}
    assert RFC3339_UTC.match(info["started_at"]), info["started_at"]
    assert all(key == key.lower() and "-" not in key for key in info), "fields must be snake_case"


def test_jwks_publishes_an_rs256_signing_key(gateway):
    response = gateway.get("/api/auth/.well-known/jwks.json")
    assert response.status_code == 200, response.text
    keys = response.json()["keys"]
    assert keys, "the JWKS must hold at least the current signing key"
    key = keys[0]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig"
    assert key["kid"] and key["n"] and key["e"]
    assert "d" not in key, "a private exponent must never be published"


@pytest.mark.parametrize("path", [
    "/no/such/route",                 # answered by the gateway itself
    "/api/auth/no-such-endpoint",     # by a Java service
    "/api/reports/no/such/endpoint",  # by a Python service
])
def test_unknown_paths_answer_404_problem_json(gateway, admin, path):
    # Signed in: without a token the gateway answers 401 for anything under /api/ (test_gateway_edge.py).
    response = gateway.get(path, headers=admin.headers)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 404
    assert problem["title"]


def test_launcher_configuration_reaches_auth_service_without_leaking_the_password():
    """./platform test starts this platform with ADMIN_EMAIL/ADMIN_PASSWORD set (launcher/testing.py): auth-service
    says it configured the bootstrap admin (test_auth.py signs in as it) and never logs the password."""
    logs_dir = os.environ.get("E2E_LOGS_DIR")
    if not logs_dir:
        pytest.fail("E2E_LOGS_DIR is not set: run the end-to-end tests through ./platform test")
    log = Path(logs_dir, "auth-service.log").read_text()
    assert "Bootstrap admin configured: e2e-admin@example.com" in log
    assert "e2e-admin-password-not-secret" not in log
