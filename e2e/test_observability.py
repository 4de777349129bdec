"""The platform's observability plumbing, as ./platform up starts it: Zipkin (the trace UI the services export their
spans to) takes spans and serves them back by trace id; Prometheus scrapes every part and has loaded the rules.

Independent of what the services trace: a span is posted here as any exporter would post it (Zipkin v2 JSON).
./platform test passes E2E_ZIPKIN_URL and E2E_PROMETHEUS_URL (launcher/testing.py); E2E_PROMETHEUS_URL is empty
when no `prometheus` binary was found, and the Prometheus tests then fail, saying so.
"""

import json
import os
import secrets
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from platform_client.operations.api.metrics import (
    query_prometheus,
    query_prometheus_range,
)
from platform_client.operations.models import (
    PrometheusQueryDataResultType,
    PrometheusQueryResponse,
)

from e2e.conftest import Account

SCRAPE_WAIT_SECONDS = 60  # scrape_interval is 10 s; a part's first scrape comes within one interval of its start


def client(variable: str, hint: str) -> Iterator[httpx.Client]:
    url = os.environ.get(variable)
    if not url:
        pytest.fail(f"{variable} is not set: {hint}")
    with httpx.Client(base_url=url.rstrip("/"), timeout=10) as http:
        yield http


@pytest.fixture(scope="module")
def prometheus() -> Iterator[httpx.Client]:
    yield from client("E2E_PROMETHEUS_URL", "the e2e platform ran without Prometheus: install it (Debian: "
                                            "apt-get install prometheus; .ci/run does) so ./platform test starts it")


def test_zipkin_is_healthy_with_in_memory_storage(zipkin: httpx.Client) -> None:
    health = zipkin.get("/health")
    assert health.status_code == 200
    assert health.json()["status"] == "UP"
    assert "InMemoryStorage{}" in json.dumps(health.json())
    assert zipkin.get("/zipkin/").status_code == 200  # the UI


def test_zipkin_takes_a_span_and_serves_its_trace_by_id(zipkin: httpx.Client) -> None:
    trace_id, span_id = secrets.token_hex(16), secrets.token_hex(8)
    span = {"traceId": trace_id, "id": span_id, "name": "get /e2e", "kind": "SERVER",
            "timestamp": int(time.time() * 1_000_000), "duration": 1500,
            "localEndpoint": {"serviceName": "e2e-observability"}, "tags": {"http.method": "GET"}}
    assert zipkin.post("/api/v2/spans", json=[span]).status_code == 202
    deadline = time.monotonic() + 10
    while (trace := zipkin.get(f"/api/v2/trace/{trace_id}")).status_code == 404 and time.monotonic() < deadline:
        time.sleep(0.2)  # the collector stores asynchronously
    assert trace.status_code == 200, trace.text
    assert [(s["id"], s["name"]) for s in trace.json()] == [(span_id, "get /e2e")]


def test_prometheus_reports_every_parts_target_up(prometheus: httpx.Client, service_urls: dict[str, str]) -> None:
    expected = {*service_urls, "zipkin", "prometheus"}  # every part but Redis, which serves no metrics
    deadline = time.monotonic() + SCRAPE_WAIT_SECONDS
    while True:
        targets = prometheus.get("/api/v1/targets").json()["data"]["activeTargets"]
        health = {t["labels"]["job"]: (t["health"], t["lastError"]) for t in targets}
        if all(h == "up" for h, _ in health.values()) and set(health) == expected or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert set(health) == expected
    assert {job: h for job, h in health.items() if h[0] != "up"} == {}
    # And the same through PromQL, as the PartDown alert sees it.
    result = prometheus.get("/api/v1/query", params={"query": "up"}).json()["data"]["result"]
    assert {r["metric"]["job"]: r["value"][1] for r in result} == {job: "1" for job in expected}


def test_prometheus_loaded_the_rules_and_evaluates_them_without_error(prometheus: httpx.Client) -> None:
    groups = prometheus.get("/api/v1/rules").json()["data"]["groups"]
    names = {g["name"] for g in groups}
    assert {"platform.availability", "platform.gateway", "platform.events", "platform.jobs"} <= names
    deadline = time.monotonic() + SCRAPE_WAIT_SECONDS
    while any(r.get("health") == "unknown" for g in groups for r in g["rules"]) and time.monotonic() < deadline:
        time.sleep(1)  # not evaluated yet
        groups = prometheus.get("/api/v1/rules").json()["data"]["groups"]
    failing = {r["name"]: r.get("lastError") for g in groups for r in g["rules"] if r.get("health") == "err"}
    assert failing == {}


def test_an_admin_reads_prometheus_through_the_gateway_and_nobody_else_does(
        prometheus: httpx.Client, admin: Account, new_account: Callable[..., Account], gateway: httpx.Client) -> None:
    """The console's Operations page asks Prometheus through the gateway's admin-only query route
    (contracts/openapi/operations.yaml): the same `up` as Prometheus' own API, for an admin only."""
    answer = admin.api.expect(query_prometheus.sync_detailed(client=admin.api.operations, query="up"),
                              PrometheusQueryResponse, 200)
    assert answer.status == "success"
    assert answer.data.result_type == PrometheusQueryDataResultType.VECTOR
    jobs = {series.metric["job"] for series in answer.data.result}
    assert {"gateway", "prometheus"} <= jobs, jobs
    end = int(time.time())
    ranged = admin.api.expect(query_prometheus_range.sync_detailed(
        client=admin.api.operations, query="route:gateway_requests:rate5m", start=str(end - 1800), end=str(end),
        step="30s"), PrometheusQueryResponse, 200)
    assert ranged.data.result_type == PrometheusQueryDataResultType.MATRIX

    for role in ("user", "viewer"):
        refused = query_prometheus.sync_detailed(client=new_account(role).api.operations, query="up")
        assert refused.status_code == 403, (role, refused.content)
        assert json.loads(refused.content)["type"] == "/problems/forbidden"
    anonymous = gateway.get("/api/operations/prometheus/query", params={"query": "up"})
    assert anonymous.status_code == 401
    bad = query_prometheus.sync_detailed(client=admin.api.operations, query="sum(")
    assert bad.status_code == 400
    assert json.loads(bad.content)["detail"].startswith("Prometheus refused the query: ")
