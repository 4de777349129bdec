"""Request metrics are labelled by route template, never by raw path, so their series stay bounded."""

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from service_kit import ServiceSettings


def request_counts(client: TestClient) -> dict[tuple[str, str, str], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    families = {family.name: family for family in text_string_to_metric_families(response.text)}
    assert "http_request_duration_seconds" in families
    assert "process_resident_memory_bytes" in families
    return {
        (sample.labels["method"], sample.labels["route"], sample.labels["status"]): sample.value
        for sample in families["http_requests"].samples
        if sample.name == "http_requests_total"
    }


def test_requests_are_counted_by_route_template(client: TestClient):
    for item_id in (1, 2, 3):
        assert client.get(f"/api/demo/items/{item_id}").status_code == 200
    client.get("/api/demo/items/not-a-number")

    counts = request_counts(client)
    assert counts[("GET", "/api/demo/items/{item_id}", "200")] == 3
    assert counts[("GET", "/api/demo/items/{item_id}", "422")] == 1
    assert not any("/items/1" in route for _, route, _ in counts)


def test_a_router_included_twice_is_counted_under_each_prefix(client: TestClient):
    client.get("/api/demo/v1/ping")
    client.get("/api/demo/v2/ping")
    client.get("/api/demo/v2/ping")

    counts = request_counts(client)
    assert counts[("GET", "/api/demo/v1/ping", "200")] == 1
    assert counts[("GET", "/api/demo/v2/ping", "200")] == 2


def test_unmatched_paths_and_odd_methods_share_one_label_each(client: TestClient):
    client.get("/wp-admin/setup.php")
    client.get("/.env")
    client.request("PURGE", "/api/demo/items")

    counts = request_counts(client)
    assert counts[("GET", "<unmatched>", "404")] == 2
    assert counts[("OTHER", "/api/demo/items", "405")] == 1


def test_routes_outside_the_api_are_labelled_too(client: TestClient):
    client.get("/openapi.json")
    client.get("/docs")
    client.post("/docs")

    counts = request_counts(client)
    assert counts[("GET", "/openapi.json", "200")] == 1
    assert counts[("GET", "/docs", "200")] == 1
    assert counts[("POST", "/docs", "405")] == 1


def test_failures_are_counted_as_500(client: TestClient):
    client.get("/api/demo/crash")
    assert request_counts(client)[("GET", "/api/demo/crash", "500")] == 1


def test_histogram_observes_every_request(client: TestClient):
    client.get("/api/demo/items")
    metrics = client.get("/metrics").text
    assert (
        'http_request_duration_seconds_count{method="GET",route="/api/demo/items",status="200"} 1.0'
        in metrics
    )


def test_a_services_own_metrics_are_served_on_metrics(make_demo_app):
    from prometheus_client import CollectorRegistry, Counter

    registry = CollectorRegistry()
    jobs = Counter("demo_jobs", "Jobs run by the demo service", registry=registry)
    jobs.inc(2)
    client = TestClient(make_demo_app(ServiceSettings(INSTANCE_ID="demo-1"), metrics_registry=registry))
    families = {family.name: family for family in text_string_to_metric_families(client.get("/metrics").text)}
    assert [sample.value for sample in families["demo_jobs"].samples if sample.name == "demo_jobs_total"] == [2.0]
