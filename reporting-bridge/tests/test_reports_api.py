"""The report API with its worker, for real: the service and the worker apps on this test's database
(SQLite and PostgreSQL) and a private Redis; tokens are RS256 JWTs checked by the kit."""

from __future__ import annotations

import csv
import io
import json

import orjson
import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from matplotlib import image
from openpyxl import load_workbook
from sqlalchemy import func, select, text

from reporting_bridge.domain.catalogue import REPORT_TYPES
from reporting_bridge.store.database import create_database_engine, database_url
from reporting_bridge.store.tables import events, reports
from event_store_data import store_events
from service_kit.auth import get_token_verifier
from service_kit_testing.events import typed_event
from service_kit_testing.spans import (CALLER_SPAN_ID, CALLER_TRACE_ID, CALLER_TRACEPARENT, RecordedSpans,
                                       parent_span_id_of, span_id_of, trace_id_of)
from service_kit_testing.waiting import wait_until

PROBLEM_JSON = "application/problem+json"
RANGE = {"from": "2026-11-02", "to": "2026-11-03"}


def usage_of(user_id: str, at: str, predictions: int, risk: float):
    return typed_event("inference.usage", {
        "user_id": user_id, "operation": "eta_batch", "model_version": "1.0.0", "predictions": predictions,
        "latency_ms": 5.0, "mean_delay_probability": risk, "occurred_at": at,
        "lanes": [{"origin": "TX", "destination": "CA", "predictions": predictions, "mean_delay_probability": risk}]},
        at)


def engine_of(database: str, tmp_path):
    return create_database_engine(database_url(tmp_path, database))


def wait_for_final(client: TestClient, report_id: str, headers: dict[str, str]) -> dict:
    wait_until(lambda: client.get(f"/api/reports/{report_id}", headers=headers).json()["status"]
               in ("ready", "failed"), timeout=30)
    return client.get(f"/api/reports/{report_id}", headers=headers).json()


def report_events(client: TestClient, report_id: str, final: str) -> list[dict]:
    """The events about `report_id` on platform.events, once `final` (report.ready or report.failed) is among
    them: the worker stores the final status first and announces it just after."""
    def read() -> list[dict]:
        entries = client.portal.call(client.app_state["redis"].xrange, "platform.events")
        return [e for e in (json.loads(fields["cloudevent"]) for _, fields in entries)
                if e["data"].get("report_id") == report_id]

    wait_until(lambda: final in [e["type"] for e in read()])
    return read()


def test_catalogue_shows_platform_reports_to_admins_only(service: TestClient, people):
    admin, user, viewer = people("admin"), people("user"), people("viewer")
    assert {t["id"] for t in service.get("/api/reports/types", headers=admin.headers).json()["items"]} == set(REPORT_TYPES)
    for person in (user, viewer):
        items = service.get("/api/reports/types", headers=person.headers).json()["items"]
        assert [t["id"] for t in items] == ["inference-usage"]
    usage = items[0]
    assert usage["scope"] == "own" and usage["formats"] == ["csv", "xlsx", "json", "png"]
    by_name = {p["name"]: p for p in usage["parameters"]}
    assert by_name["granularity"]["values"] == ["day", "week"] and by_name["group_by"]["values"] == ["none", "lane"]
    assert by_name["from"]["required"] and by_name["from"]["type"] == "date"
    assert service.get("/api/reports/types").status_code == 401


def test_a_user_gets_an_inference_usage_report_of_their_own_usage(service: TestClient, worker: TestClient, people,
                                                                   database, tmp_path):
    user, other = people("user"), people("user")
    engine = engine_of(database, tmp_path)
    store_events(engine, usage_of(user.id, "2026-11-02T10:00:00Z", 3, 0.5), usage_of(other.id, "2026-11-02T11:00:00Z", 7, 0.1))

    response = service.post("/api/reports", headers=user.headers,
                            json={"type": "inference-usage", "params": {**RANGE, "group_by": "lane"}})
    assert response.status_code == 202, response.text
    created = response.json()
    assert created["status"] == "queued" and created["owner_id"] == user.id
    assert created["params"] == {**RANGE, "granularity": "day", "group_by": "lane"}
    assert response.headers["Location"] == f"/api/reports/{created['id']}"

    report = wait_for_final(service, created["id"], user.headers)
    assert report["status"] == "ready" and report["progress"] == 100, report
    assert report["row_count"] == 1 and report["summary"]["predictions"] == 3  # the other user's 7 are not in it
    assert report["download_url"] == f"/api/reports/{created['id']}/download"

    base = report["download_url"]
    csv_file = service.get(base, params={"format": "csv"}, headers=user.headers)
    assert csv_file.headers["content-type"].startswith("text/csv")
    assert f'filename="inference-usage-{created["id"]}.csv"' in csv_file.headers["content-disposition"]
    assert list(csv.DictReader(io.StringIO(csv_file.text))) == [
        {"period_start": "2026-11-02", "origin": "TX", "destination": "CA", "predictions": "3",
         "mean_delay_probability": "0.5"}]

    document = service.get(base, params={"format": "json"}, headers=user.headers).json()
    assert document["columns"] == ["period_start", "origin", "destination", "predictions", "mean_delay_probability"]
    assert document["rows"][0]["predictions"] == 3 and document["report_id"] == created["id"]

    workbook = load_workbook(io.BytesIO(service.get(base, params={"format": "xlsx"}, headers=user.headers).content))
    sheet = workbook.active
    assert [cell.value for cell in sheet[1]] == document["columns"]
    assert [cell.value for cell in sheet[2]] == ["2026-11-02", "TX", "CA", 3, 0.5]

    png = service.get(base, params={"format": "png"}, headers=user.headers)
    assert png.headers["content-type"] == "image/png"
    assert image.imread(io.BytesIO(png.content), format="png").shape[:2] == (600, 1200)


def test_a_report_that_cannot_be_queued_is_a_503_to_retry_and_is_taken_back(service: TestClient, people,
                                                                          private_redis, engine):
    user = people("user")
    private_redis.stop()
    response = service.post("/api/reports", headers=user.headers, json={"type": "inference-usage", "params": RANGE})

    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["retry-after"] == "1"
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(reports)).scalar_one() == 0


def test_a_report_without_rows_downloads_in_every_format(service: TestClient, worker: TestClient, people):
    """A per-lane report of a range without usage has no rows at all; its chart was a 500 (an empty series plotted)."""
    user = people("user")
    created = service.post("/api/reports", headers=user.headers,
                           json={"type": "inference-usage", "params": {**RANGE, "group_by": "lane"}}).json()
    report = wait_for_final(service, created["id"], user.headers)
    assert report["status"] == "ready" and report["row_count"] == 0, report
    for file_format in report["formats"]:
        response = service.get(report["download_url"], params={"format": file_format}, headers=user.headers)
        assert response.status_code == 200, (file_format, response.text)
    png = service.get(report["download_url"], params={"format": "png"}, headers=user.headers)
    assert png.headers["content-type"] == "image/png"
    assert image.imread(io.BytesIO(png.content), format="png").shape[:2] == (600, 1200)


def test_the_worker_publishes_progress_then_ready_on_platform_events(service: TestClient, worker: TestClient,
                                                                     people, pytestconfig: pytest.Config):
    """...and every event it (and the service) produces is valid against its contract schema."""
    admin = people("admin")
    created = service.post("/api/reports", headers=admin.headers,
                           json={"type": "platform-activity", "params": RANGE}).json()
    wait_for_final(service, created["id"], admin.headers)
    redis = service.app_state["redis"]
    mine = report_events(service, created["id"], "report.ready")
    assert [e["type"] for e in mine][-1] == "report.ready"
    assert {e["type"] for e in mine[:-1]} == {"report.progress"}
    assert all(e["data"]["user_id"] == admin.id and e["source"] == "/reporting-worker" for e in mine)
    ready = mine[-1]["data"]
    assert ready["report_type"] == "platform-activity" and ready["formats"] == ["csv", "xlsx", "json", "png"]
    jobs = service.portal.call(redis.xrange, "reporting.jobs")
    requested = [json.loads(fields["cloudevent"]) for _, fields in jobs]
    assert [r["data"]["report_id"] for r in requested] == [created["id"]]
    assert requested[0]["data"]["parameters"] == {**RANGE, "granularity": "hour", "group_by": "event_type"}
    for produced in [*mine, *requested]:
        schema = json.loads((pytestconfig.rootpath / f"contracts/events/schemas/{produced['type']}.schema.json").read_text())
        Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(produced["data"])


def test_service_ingests_platform_events_once(service: TestClient, database, tmp_path):
    one = typed_event("user.registered", {"user_id": "dddddddd-0000-4000-8000-000000000004", "email": "x@example.com",
                                    "name": "Someone", "role": "user", "registered_at": "2026-11-02T10:00:00Z"},
                "2026-11-02T10:00:00Z")
    redis = service.app_state["redis"]
    for _ in range(2):  # the same event twice on the stream: a publisher's retry
        service.portal.call(redis.xadd, "platform.events", {"cloudevent": one.envelope.model_dump_json()})
    engine = engine_of(database, tmp_path)

    def stored() -> int:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(events).where(events.c.id == one.id)).scalar_one()

    wait_until(lambda: stored() == 1)
    pending = service.portal.call(redis.xpending, "platform.events", "reporting")
    wait_until(lambda: service.portal.call(redis.xpending, "platform.events", "reporting")["pending"] == 0)
    assert stored() == 1, pending


def test_platform_reports_are_for_admins_and_viewers_submit_nothing(service: TestClient, people):
    user, viewer = people("user"), people("viewer")
    for report_type in ("user-signups", "platform-activity"):
        response = service.post("/api/reports", headers=user.headers, json={"type": report_type, "params": RANGE})
        assert response.status_code == 403 and response.headers["content-type"] == PROBLEM_JSON
    response = service.post("/api/reports", headers=viewer.headers, json={"type": "inference-usage", "params": RANGE})
    assert response.status_code == 403 and response.json()["type"] == "/problems/forbidden"
    assert service.get("/api/reports", headers=user.headers).json()["total_items"] == 0


def test_only_the_owner_and_admins_see_a_report(service: TestClient, people):
    owner, stranger, admin, viewer = people("user"), people("user"), people("admin"), people("viewer")
    created = service.post("/api/reports", headers=owner.headers,
                           json={"type": "inference-usage", "params": RANGE}).json()
    path = f"/api/reports/{created['id']}"
    assert service.get(path, headers=owner.headers).status_code == 200
    assert service.get(path, headers=admin.headers).status_code == 200
    for person in (stranger, viewer):
        response = service.get(path, headers=person.headers)
        assert response.status_code == 404 and response.headers["content-type"] == PROBLEM_JSON
        assert service.get(path + "/download", params={"format": "csv"}, headers=person.headers).status_code == 404
    assert service.get("/api/reports", headers=stranger.headers).json()["items"] == []
    assert [r["id"] for r in service.get("/api/reports", headers=owner.headers).json()["items"]] == [created["id"]]
    assert created["id"] in [r["id"] for r in service.get("/api/reports", headers=admin.headers).json()["items"]]
    # Without a worker the report stays queued: no download yet.
    not_ready = service.get(path + "/download", params={"format": "csv"}, headers=owner.headers)
    assert not_ready.status_code == 409 and not_ready.json()["type"] == "/problems/report-not-ready"


def test_list_is_paginated_newest_first(service: TestClient, people):
    user = people("user")
    ids = [service.post("/api/reports", headers=user.headers, json={"type": "inference-usage", "params": RANGE}).json()["id"]
           for _ in range(3)]
    first = service.get("/api/reports", params={"size": 2}, headers=user.headers).json()
    second = service.get("/api/reports", params={"size": 2, "page": 1}, headers=user.headers).json()
    assert (first["total_items"], first["total_pages"]) == (3, 2)
    assert {r["id"] for r in first["items"] + second["items"]} == set(ids) and len(second["items"]) == 1
    assert service.get("/api/reports", params={"size": 101}, headers=user.headers).status_code == 422


def test_pages_beyond_the_contracts_bound_are_a_422(service: TestClient, people):
    """The contract's page maximum (1,000,000); a page of 39 digits overflowed SQLite's integers: a 500."""
    user = people("user")
    last = service.get("/api/reports", params={"page": 1_000_000, "size": 100}, headers=user.headers)
    assert last.status_code == 200 and last.json()["items"] == [] and last.json()["page"] == 1_000_000
    for page in ("1000001", "321813452487689409696165089031946764288"):
        response = service.get("/api/reports", params={"page": page}, headers=user.headers)
        assert response.status_code == 422, response.text
        assert [error["pointer"] for error in response.json()["errors"]] == ["/query/page"]


def test_a_wrong_method_is_told_every_method_of_the_path(service: TestClient, people):
    """GET and POST /api/reports are two routes: the 405 said `Allow: POST` (the fuzzer's OPTIONS and PUT)."""
    for method in ("OPTIONS", "PUT", "DELETE"):
        response = service.request(method, "/api/reports", headers=people("user").headers)
        assert (response.status_code, response.headers["allow"]) == (405, "GET, HEAD, POST")


def test_list_parameters_are_checked_together(service: TestClient, people):
    response = service.get("/api/reports", params={"page": -1, "size": 0, "status": "done", "type": "sales"},
                           headers=people("user").headers)
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM_JSON
    assert {error["pointer"] for error in response.json()["errors"]} == {
        "/query/page", "/query/size", "/query/status", "/query/type"}


@pytest.mark.parametrize(("body", "pointer"), [
    ({"type": "sales", "params": RANGE}, "/body/type"),
    ({"type": "inference-usage", "params": {"from": "2026-13-01", "to": "2026-11-03"}}, "/body/params/from"),
    ({"type": "inference-usage", "params": {"from": "2026-11-05", "to": "2026-11-03"}}, "/body/params/to"),
    ({"type": "inference-usage", "params": {"to": "2026-11-03"}}, "/body/params/from"),
    ({"type": "inference-usage", "params": {**RANGE, "granularity": "hour"}}, "/body/params/granularity"),
    ({"type": "inference-usage", "params": {**RANGE, "group_by": "role"}}, "/body/params/group_by"),
    ({"type": "inference-usage", "params": {**RANGE, "color": "red"}}, "/body/params/color"),
    ({"type": "inference-usage", "params": {"from": "2025-01-01", "to": "2026-11-03"}}, "/body/params/to"),
])
def test_bad_requests_are_problems_and_write_nothing(service: TestClient, people, body, pointer, database, tmp_path):
    admin = people("admin")
    response = service.post("/api/reports", headers=admin.headers, json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert pointer in [error["pointer"] for error in response.json()["errors"]]
    with engine_of(database, tmp_path).connect() as connection:
        assert connection.execute(select(func.count()).select_from(reports)).scalar_one() == 0
    assert service.portal.call(service.app_state["redis"].exists, "reporting.jobs") == 0


def test_unknown_download_format_is_a_problem(service: TestClient, people):
    user = people("user")
    created = service.post("/api/reports", headers=user.headers, json={"type": "inference-usage", "params": RANGE}).json()
    response = service.get(f"/api/reports/{created['id']}/download", params={"format": "pdf"}, headers=user.headers)
    assert response.status_code == 422 and response.json()["errors"][0]["pointer"] == "/query/format"


def test_a_bad_report_id_and_a_bad_format_are_reported_together(service: TestClient, people):
    response = service.get("/api/reports/not-a-uuid/download", params={"format": "pdf"}, headers=people("user").headers)
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM_JSON
    assert {error["pointer"] for error in response.json()["errors"]} == {"/path/id", "/query/format"}
    assert response.json()["type"] == "/problems/validation-error"


def test_json_download_is_the_report_data(service: TestClient, worker: TestClient, people):
    admin = people("admin")
    created = service.post("/api/reports", headers=admin.headers,
                           json={"type": "user-signups", "params": {**RANGE, "group_by": "none"}}).json()
    report = wait_for_final(service, created["id"], admin.headers)
    document = orjson.loads(service.get(report["download_url"], params={"format": "json"}, headers=admin.headers).content)
    assert document["rows"] == [{"period_start": "2026-11-02", "signups": 0}, {"period_start": "2026-11-03", "signups": 0}]
    assert document["summary"] == {"signups": 0}


def test_a_report_that_cannot_be_computed_fails_visibly(service: TestClient, worker: TestClient, people,
                                                        database, tmp_path):
    """A report the worker cannot compute (here: the lanes table is gone from the database) ends `failed`
    with the reason, and report.failed reaches platform.events; nothing is left running."""
    owner = people("user")
    with engine_of(database, tmp_path).begin() as connection:
        connection.execute(text("DROP TABLE event_lanes"))
    created = service.post("/api/reports", headers=owner.headers,
                           json={"type": "inference-usage", "params": {**RANGE, "group_by": "lane"}}).json()
    report = wait_for_final(service, created["id"], owner.headers)
    assert report["status"] == "failed" and report["error"]["code"] == "computation_error", report
    assert "event_lanes" in report["error"]["reason"]
    assert "download_url" not in report
    not_ready = service.get(f"/api/reports/{created['id']}/download", params={"format": "csv"}, headers=owner.headers)
    assert not_ready.status_code == 409
    failed = [e for e in report_events(service, created["id"], "report.failed") if e["type"] == "report.failed"]
    assert len(failed) == 1 and failed[0]["data"]["error_code"] == "computation_error"
    assert failed[0]["data"]["user_id"] == owner.id


def test_a_reports_spans_are_in_the_trace_of_the_request_that_asked_for_it(platform_env: str, tokens, people):
    """The caller's traceparent → reporting-bridge → send reporting.jobs → the worker's process reporting.jobs →
    report → its stages → send platform.events (progress inside its stage, ready inside the report) → the service's
    process platform.events (its event store)."""
    from reporting_bridge.app import create_app
    from reporting_bridge.worker.app import create_worker_app

    spans = RecordedSpans()
    admin = people("admin")
    app = create_app(span_processors=[spans.processor])
    verifier = tokens.verifier()
    app.dependency_overrides[get_token_verifier] = lambda: verifier
    with TestClient(app) as service, TestClient(create_worker_app(span_processors=[spans.processor])):
        created = service.post("/api/reports", headers={**admin.headers, "traceparent": CALLER_TRACEPARENT},
                               json={"type": "platform-activity", "params": RANGE}).json()
        assert wait_for_final(service, created["id"], admin.headers)["status"] == "ready"
        wait_until(lambda: spans.named("process reporting.jobs"), message="the report's consumer span ended")
        # The service's event store takes report.ready in, in the same trace.
        wait_until(lambda: any((span.attributes or {}).get("cloudevents.event_type") == "report.ready"
                               for span in spans.named("process platform.events")), message="report.ready ingested")

    server = spans.one("POST /api/reports")
    send = spans.one("send reporting.jobs")
    process = spans.one("process reporting.jobs")
    report = spans.one("report")
    stages = {span.name: span for span in spans.all if span.name.startswith("report.stage.")}
    published = {span_id_of(span): span for span in spans.named("send platform.events")
                  if trace_id_of(span) == CALLER_TRACE_ID}
    assert parent_span_id_of(server) == CALLER_SPAN_ID
    assert parent_span_id_of(send) == span_id_of(server) and parent_span_id_of(process) == span_id_of(send)
    assert process.resource.attributes["service.name"] == "reporting-worker"
    assert parent_span_id_of(report) == span_id_of(process)
    assert report.attributes is not None and report.attributes["report.id"] == created["id"]
    assert sorted(stages) == ["report.stage.aggregating", "report.stage.loading"]
    assert {parent_span_id_of(span) for span in stages.values()} == {span_id_of(report)}
    by_type = {(span.attributes or {})["cloudevents.event_type"]: span for span in published.values()}
    assert parent_span_id_of(by_type["report.ready"]) == span_id_of(report)
    progress = [span for span in published.values() if (span.attributes or {})["cloudevents.event_type"] == "report.progress"]
    assert progress and {parent_span_id_of(span) for span in progress} <= {span_id_of(s) for s in stages.values()}
    ingested = next(span for span in spans.named("process platform.events")
                    if (span.attributes or {}).get("cloudevents.event_type") == "report.ready")
    assert parent_span_id_of(ingested) == span_id_of(by_type["report.ready"])
    assert ingested.resource.attributes["service.name"] == "reporting-bridge"
    for span in [server, send, process, report, *stages.values(), ingested]:
        assert trace_id_of(span) == CALLER_TRACE_ID, span.name
