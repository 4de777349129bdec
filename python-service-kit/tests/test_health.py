"""/health against a real Redis (REDIS_URL, started by ./platform test; or the Redis Cluster of REDIS_CLUSTER_NODES,
where PING goes to every primary): no mock can show a real PING."""

import time

from fastapi.testclient import TestClient

from service_kit import ServiceSettings
from service_kit.health import HEALTH_CHECK_TIMEOUT_SECONDS
from service_kit.settings import RedisSettings


def test_health_is_up_when_redis_answers_ping(make_demo_app, redis_settings: RedisSettings):
    with TestClient(make_demo_app(ServiceSettings(**redis_settings.environment()))) as client:
        response = client.get("/health")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "UP", "checks": {"redis": {"status": "UP"}}}


def test_health_is_down_with_the_reason_when_redis_is_unreachable(make_demo_app, unreachable_redis_url: str):
    with TestClient(make_demo_app(ServiceSettings(REDIS_URL=unreachable_redis_url, REDIS_CLUSTER_NODES=""))) as client:
        started = time.monotonic()
        response = client.get("/health")
        elapsed = time.monotonic() - started
    assert response.status_code == 503, response.text
    report = response.json()
    assert report["status"] == "DOWN"
    assert report["checks"]["redis"]["status"] == "DOWN"
    reason = report["checks"]["redis"]["error"]
    assert reason.startswith("ConnectionError") and unreachable_redis_url.split("/")[2] in reason, reason
    assert elapsed < HEALTH_CHECK_TIMEOUT_SECONDS, "a dead Redis must be reported quickly, not after retries"


def test_health_is_down_quickly_when_no_node_of_the_cluster_answers(make_demo_app, unreachable_redis_url: str):
    node = unreachable_redis_url.split("/")[2]
    with TestClient(make_demo_app(ServiceSettings(REDIS_CLUSTER_NODES=node))) as client:
        started = time.monotonic()
        response = client.get("/health")
        elapsed = time.monotonic() - started
    assert response.status_code == 503, response.text
    assert response.json()["checks"]["redis"]["status"] == "DOWN"
    assert elapsed < HEALTH_CHECK_TIMEOUT_SECONDS + 0.5, elapsed
