"""Several instances of a part behind one gateway (`./platform test e2e` runs with
PLATFORM_SCALE=notification-service=2,inference-bridge=2,inference-worker=2 unless the caller sets another).

The gateway balances each route over its service's instances; an instance that dies leaves the rotation without a
failed request and comes back once the supervisor has restarted it; the instances of a consumer group share its
events. Every other test of the suite runs on the same scaled platform, the WebSocket and SSE flows included.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from e2e.conftest import Account, required_environment

# The routed services and the API prefix of each one's service-info (it names the instance that answered).
ROUTED = {"inference-bridge": "/api/inference", "notification-service": "/api/notifications"}
KILLED = "inference-bridge-2"  # launcher/testing.py expects its restart (E2E_KILLED_INSTANCE)
REQUESTS = 24
GATEWAY_HEALTH_POLL_SECONDS = 5  # spring.cloud.loadbalancer.health-check.interval in the gateway's application.yaml


@pytest.fixture(scope="module")
def instance_urls() -> dict[str, str]:
    urls = required_environment("E2E_INSTANCE_URLS", 'JSON such as {"inference-bridge": "http://127.0.0.1:8001", '
                                                     '"inference-bridge-2": "http://127.0.0.1:40123", …}')
    return {name: url.rstrip("/") for name, url in json.loads(urls).items()}


def instances_of(part: str, instance_urls: dict[str, str]) -> dict[str, str]:
    found = {name: url for name, url in instance_urls.items() if name == part or re.fullmatch(rf"{part}-\d+", name)}
    assert len(found) >= 2, f"{part} runs {len(found)} instance(s): the suite's PLATFORM_SCALE must give it two"
    return found


def instance_id(http: httpx.Client, base_url: str, prefix: str) -> str:
    answer = http.get(f"{base_url}{prefix}/service-info")
    assert answer.status_code == 200, answer.text
    return answer.json()["instance_id"]


def ids_through_the_gateway(http: httpx.Client, gateway_url: str, prefix: str, count: int) -> Counter:
    seen = Counter()
    for _ in range(count):
        answer = http.get(f"{gateway_url}{prefix}/service-info")
        assert answer.status_code == 200, answer.text
        seen[answer.json()["instance_id"]] += 1
    return seen


@pytest.mark.parametrize("part", sorted(ROUTED))
def test_the_gateway_balances_a_route_over_every_instance(gateway_url: str, instance_urls: dict[str, str], part: str):
    prefix = ROUTED[part]
    with httpx.Client(timeout=10) as http:
        expected = {instance_id(http, url, prefix) for url in instances_of(part, instance_urls).values()}
        # An instance whose last health poll failed (CI once saw one out while it answered directly) is out of the
        # rotation until a poll passes: a few polls' time for one round of requests to reach every instance.
        deadline = time.monotonic() + 3 * GATEWAY_HEALTH_POLL_SECONDS
        seen = ids_through_the_gateway(http, gateway_url, prefix, REQUESTS)
        while set(seen) != expected and time.monotonic() < deadline:
            time.sleep(1)
            seen = ids_through_the_gateway(http, gateway_url, prefix, REQUESTS)
    assert set(seen) == expected, f"answered by {dict(seen)}, the instances are {sorted(expected)}"


def test_an_instance_that_dies_leaves_the_rotation_and_comes_back(gateway_url: str, instance_urls: dict[str, str]):
    prefix = ROUTED["inference-bridge"]
    state = json.loads(Path(required_environment("E2E_STATE_FILE", "the platform's run/platform.json")).read_text())
    killed_url = instances_of("inference-bridge", instance_urls)[KILLED]
    with httpx.Client(timeout=10) as http:
        killed_id = instance_id(http, killed_url, prefix)
        os.kill(state["parts"][KILLED]["pid"], signal.SIGKILL)

        # While it is down and until the supervisor has it back: every request answered, by the others.
        seen = ids_through_the_gateway(http, gateway_url, prefix, REQUESTS)
        assert killed_id not in seen

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if http.get(f"{killed_url}/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(1)
        else:
            pytest.fail(f"{KILLED} was not restarted within 120 s")

        # Back in the rotation once the gateway's health check has seen it up again.
        deadline = time.monotonic() + 60
        while killed_id not in ids_through_the_gateway(http, gateway_url, prefix, 4):
            assert time.monotonic() < deadline, f"{KILLED} answers again but the gateway sends it nothing"
            time.sleep(1)


def consumed(http: httpx.Client, metrics_url: str, stream: str) -> float:
    """The instance's events_consumed_total on `stream` (Micrometer's name for the Java kit's events.consumed)."""
    return sum(sample.value for family in text_string_to_metric_families(http.get(metrics_url).text)
               for sample in family.samples
               if sample.name == "events_consumed_total" and sample.labels.get("stream") == stream)


def test_the_instances_of_a_consumer_group_share_its_events(gateway_url: str, instance_urls: dict[str, str],
                                                           admin: Account):
    """notification-service's instances consume platform.events in one group: admin broadcasts spread over them."""
    metrics = {name: f"{url}/actuator/prometheus"
               for name, url in instances_of("notification-service", instance_urls).items()}
    with httpx.Client(timeout=10) as http:
        before = {name: consumed(http, url, "platform.events") for name, url in metrics.items()}
        for n in range(12):
            answer = http.post(f"{gateway_url}/api/notifications/broadcast", headers=admin.headers,
                               json={"message": f"replicas {n} {uuid.uuid4().hex[:6]}", "severity": "info"})
            assert answer.status_code == 202, answer.text
            time.sleep(0.2)  # arrivals spread in time, as traffic comes: each waiting instance takes its turn
        deadline = time.monotonic() + 30
        while True:
            took = {name: consumed(http, url, "platform.events") - before[name] for name, url in metrics.items()}
            if sum(took.values()) >= 12 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    assert sum(took.values()) >= 12, f"the group consumed {took} of 12 broadcasts"
    assert all(count > 0 for count in took.values()), f"one instance took them all: {took}"
