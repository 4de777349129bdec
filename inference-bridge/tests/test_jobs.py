"""Jobs: submission (JSON and CSV), ownership, the worker end to end, and a worker killed mid-job.

Each test gets a Redis of its own (private_redis), so the worker's streams hold only that test's jobs; in the
`cluster` suite (REDIS_CLUSTER_NODES set) the Redis Cluster instead, its job streams emptied first.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator, FormatChecker

from inference_bridge.app import create_app
from inference_bridge.worker.app import create_worker_app
from service_kit.redis_client import RedisClient, create_redis_client
from service_kit.settings import RedisSettings
from service_kit_testing.processes import free_port, terminate
from service_kit_testing.spans import (CALLER_SPAN_ID, CALLER_TRACE_ID, CALLER_TRACEPARENT, RecordedSpans,
                                       parent_span_id_of, span_id_of, trace_id_of)
from service_kit_testing.waiting import wait_until

JOBS = "/api/inference/v1/jobs"
T = TypeVar("T")


# What the API and the worker write, which a test must find empty: the services' fixed stream names.
JOB_STREAMS = ("inference.jobs", "inference.jobs.dlq", "platform.events", "platform.events.dlq")


@pytest.fixture
def job_redis(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> RedisSettings:
    """The Redis of the test's apps and workers (what the environment names: they read it from there)."""
    if os.environ.get("REDIS_CLUSTER_NODES", "").strip():
        cluster: RedisSettings = request.getfixturevalue("redis_settings")
        on_redis(cluster, _delete_job_streams)
        return cluster
    private_redis = request.getfixturevalue("private_redis")
    monkeypatch.setenv("REDIS_URL", private_redis.url)
    return RedisSettings.given(url=private_redis.url)


async def _delete_job_streams(redis: RedisClient) -> None:
    for stream in JOB_STREAMS:
        await redis.delete(stream)
        async for key in redis.scan_iter(match=f"{{{stream}}}:*"):  # the consumers' idempotency keys
            await redis.delete(key)


def on_redis(settings: RedisSettings, work: Callable[[RedisClient], Coroutine[Any, Any, T]]) -> T:
    """`work` done with a client of the Redis of `settings` (the kit's own), from a test that runs no event loop."""
    async def run() -> T:
        client = create_redis_client(settings)
        try:
            return await work(client)
        finally:
            await client.aclose()

    return asyncio.run(run())


@pytest.fixture
def api(job_redis: RedisSettings) -> Iterator[TestClient]:
    with TestClient(create_app()) as client:
        yield client


EVENT_SCHEMAS = Path(__file__).resolve().parents[2] / "contracts" / "events" / "schemas"


def events_of(redis: RedisSettings, job_id: str, stream: str = "platform.events") -> list[dict]:
    """The job's events on `stream`, each checked against its contract schema."""
    entries = on_redis(redis, lambda client: client.xrange(stream))
    events = [json.loads(fields["cloudevent"]) for _, fields in entries]
    mine = [e for e in events if e["data"].get("job_id") == job_id]
    for event in mine:
        schema = json.loads((EVENT_SCHEMAS / f"{event['type']}.schema.json").read_text())
        Draft202012Validator(schema, format_checker=FormatChecker()).validate(event["data"])
    return mine


def csv_of(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_viewers_cannot_submit_jobs(api: TestClient, tokens, make_shipment):
    response = api.post(JOBS, json={"shipments": [make_shipment()]}, headers=tokens.headers("viewer"))
    assert response.status_code == 403
    assert response.json()["type"] == "/problems/forbidden"
    assert api.post(JOBS, json={"shipments": [make_shipment()]}).status_code == 401


def test_a_job_is_accepted_queued_and_visible_to_its_owner_and_admins_only(api: TestClient, job_redis: RedisSettings,
                                                                           tokens, make_shipment):
    owner = str(uuid.uuid4())
    response = api.post(JOBS, json={"shipments": [make_shipment()] * 3}, headers=tokens.headers("user", owner))
    assert response.status_code == 202, response.text
    job = response.json()
    assert (job["status"], job["progress"], job["total_items"], job["processed_items"]) == ("queued", 0, 3, 0)
    assert response.headers["Location"] == f"{JOBS}/{job['id']}"
    assert "result_url" not in job and "error" not in job

    assert api.get(f"{JOBS}/{job['id']}", headers=tokens.headers("user", owner)).json()["id"] == job["id"]
    assert api.get(f"{JOBS}/{job['id']}", headers=tokens.headers("admin")).status_code == 200
    for stranger in (tokens.headers("user"), tokens.headers("viewer")):
        hidden = api.get(f"{JOBS}/{job['id']}", headers=stranger)
        assert hidden.status_code == 404
        assert api.get(f"{JOBS}/{job['id']}/result", headers=stranger).status_code == 404
    assert api.get(f"{JOBS}/{uuid.uuid4()}", headers=tokens.headers("user", owner)).status_code == 404
    assert api.get(f"{JOBS}/not-a-uuid", headers=tokens.headers("user", owner)).status_code == 422
    unfinished = api.get(f"{JOBS}/{job['id']}/result", headers=tokens.headers("user", owner))
    assert unfinished.status_code == 409

    requested = events_of(job_redis, job["id"], stream="inference.jobs")
    assert [event["data"] for event in requested] == [{
        "job_id": job["id"], "user_id": owner, "total_items": 3, "requested_at": job["created_at"]}]


def test_job_input_is_validated_row_by_row(api: TestClient, tokens, make_shipment):
    headers = tokens.headers("user")
    rows = [make_shipment(), make_shipment(mode="air")]
    response = api.post(JOBS, json={"shipments": rows}, headers=headers)
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == ["/body/shipments/1/mode"]
    assert api.post(JOBS, json={"shipments": []}, headers=headers).status_code == 422
    malformed = api.post(JOBS, content=b"[", headers={**headers, "Content-Type": "application/json"})
    assert malformed.status_code == 400
    unsupported = api.post(JOBS, content=b"x", headers={**headers, "Content-Type": "text/plain"})
    assert unsupported.status_code == 415
    assert unsupported.headers["content-type"] == "application/problem+json"


def test_a_csv_upload_becomes_a_job(api: TestClient, tokens, make_shipment):
    rows = [make_shipment(distance_km=500 + i) for i in range(25)]
    response = api.post(JOBS, files={"file": ("shipments.csv", csv_of(rows), "text/csv")},
                        headers=tokens.headers("user"))
    assert response.status_code == 202, response.text
    assert response.json()["total_items"] == 25


def test_csv_errors_point_at_row_and_column(api: TestClient, tokens, make_shipment):
    headers = tokens.headers("user")
    rows = [make_shipment(), make_shipment(distance_km="-3"), make_shipment(pickup_at="soon")]
    response = api.post(JOBS, files={"file": ("s.csv", csv_of(rows), "text/csv")}, headers=headers)
    assert response.status_code == 422
    assert {e["pointer"] for e in response.json()["errors"]} == {"/body/file/1/distance_km", "/body/file/2/pickup_at"}
    missing = csv_of([{k: v for k, v in make_shipment().items() if k != "carrier"}])
    response = api.post(JOBS, files={"file": ("s.csv", missing, "text/csv")}, headers=headers)
    assert response.status_code == 422
    assert "missing columns: carrier" in response.json()["errors"][0]["message"]
    no_file = api.post(JOBS, data={"other": "x"}, files={"nothing": ("a", b"", "text/plain")}, headers=headers)
    assert no_file.status_code == 422
    assert no_file.json()["errors"][0]["pointer"] == "/body/file"


def test_a_csv_pickup_outside_the_years_2000_to_2099_is_refused(api: TestClient, tokens, make_shipment):
    """The CSV path reads rows with the contract's Shipment too: such a pickup gave a result with eta "315-11-19..."."""
    rows = [make_shipment(), make_shipment(pickup_at="0315-11-19T05:17:00Z")]
    response = api.post(JOBS, files={"file": ("s.csv", csv_of(rows), "text/csv")}, headers=tokens.headers("user"))
    assert response.status_code == 422, response.text
    assert [(e["pointer"], e["message"]) for e in response.json()["errors"]] == [
        ("/body/file/1/pickup_at", "String should match pattern '^20[0-9]{2}-.*$'")]


def test_the_worker_runs_a_job_to_its_downloadable_result(api: TestClient, job_redis: RedisSettings, tokens,
                                                          make_shipment, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("INFERENCE_JOB_CHUNK_ROWS", "40")
    owner = str(uuid.uuid4())
    headers = tokens.headers("user", owner)
    shipments = [make_shipment(distance_km=300 + 10 * i, origin=("TX" if i % 2 else "CA")) for i in range(101)]
    job = api.post(JOBS, json={"shipments": shipments}, headers=headers).json()

    with TestClient(create_worker_app()) as worker:
        assert worker.get("/health").json()["status"] == "UP"
        done = wait_until(lambda: (j := api.get(f"{JOBS}/{job['id']}", headers=headers).json())["status"] == "succeeded"
                          and j, message="the job succeeded")
        metrics = worker.get("/metrics").text
    assert (done["progress"], done["processed_items"], done["model_version"]) == (100, 101, api.app_state["model"].version)
    assert done["result_url"] == f"{JOBS}/{job['id']}/result"
    assert done["started_at"] <= done["finished_at"]
    assert 'inference_jobs_total{outcome="succeeded"} 1.0' in metrics

    result = api.get(done["result_url"], headers=headers).json()
    assert [p["row"] for p in result["predictions"]] == list(range(101))
    expected = api.post("/api/inference/v1/eta/batch", json={"shipments": shipments[:100]}, headers=headers).json()
    assert [(p["transit_hours"], p["eta"], p["delay_probability"]) for p in result["predictions"][:100]] == [
        (p["transit_hours"], p["eta"], p["delay_probability"]) for p in expected["predictions"]]
    as_csv = api.get(done["result_url"], params={"format": "csv"}, headers=headers)
    assert as_csv.headers["content-type"].startswith("text/csv")
    lines = as_csv.text.splitlines()
    assert lines[0] == "row,transit_hours,eta,delay_probability" and len(lines) == 102
    assert api.get(done["result_url"], params={"format": "xml"}, headers=headers).status_code == 422

    events = events_of(job_redis, job["id"])
    kinds = [e["type"] for e in events]
    assert kinds.count("inference.job.completed") == 1 and kinds.count("inference.usage") == 1
    completed = next(e["data"] for e in events if e["type"] == "inference.job.completed")
    assert (completed["user_id"], completed["total_items"], completed["succeeded_items"]) == (owner, 101, 101)
    usage = next(e["data"] for e in events if e["type"] == "inference.usage")
    assert (usage["operation"], usage["predictions"], usage["job_id"]) == ("job", 101, job["id"])
    assert sorted((lane["origin"], lane["predictions"]) for lane in usage["lanes"]) == [("CA", 51), ("TX", 50)]


def _start_worker(started: list[subprocess.Popen[bytes]], redis: RedisSettings, log: Path,
                  **environment: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, **redis.environment(), "BIND_ADDRESS": "127.0.0.1", "INFERENCE_WORKER_PORT": str(free_port()),
           **environment}
    with log.open("ab") as out:
        process = subprocess.Popen([sys.executable, "-m", "inference_bridge.worker"], env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    started.append(process)  # stopped by the caller, even if it never gets healthy
    url = f"http://127.0.0.1:{env['INFERENCE_WORKER_PORT']}/health"

    def healthy() -> bool:
        assert process.poll() is None, log.read_text()
        try:
            return httpx.get(url, timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(healthy, timeout=90, interval=0.1, message="the worker is healthy")
    return process


def test_a_worker_killed_mid_job_is_replaced_and_the_job_completes_once(
        api: TestClient, job_redis: RedisSettings, tokens, make_shipment, tmp_path: Path):
    owner = str(uuid.uuid4())
    headers = tokens.headers("user", owner)
    total = 6000
    shipments = [make_shipment(distance_km=100 + (i % 2000)) for i in range(total)]
    # Small chunks with a pause: the job takes about 6 s, so the kill lands in its middle.
    slow = {"INFERENCE_JOB_CHUNK_ROWS": "200", "INFERENCE_JOB_CHUNK_PAUSE_MS": "200",
            "EVENTS_MIN_IDLE_MS": "1000", "EVENTS_RECLAIM_INTERVAL_MS": "300"}
    processes: list[subprocess.Popen[bytes]] = []
    try:
        first = _start_worker(processes, job_redis, tmp_path / "worker-1.log", INSTANCE_ID="worker-1", **slow)
        job = api.post(JOBS, json={"shipments": shipments}, headers=headers).json()
        state: Callable[[], dict] = lambda: api.get(f"{JOBS}/{job['id']}", headers=headers).json()  # noqa: E731
        wait_until(lambda: state()["processed_items"] >= 1000, timeout=60, message="the first worker is under way")
        first.send_signal(signal.SIGKILL)
        first.wait()
        killed_at = state()
        assert killed_at["status"] == "running" and killed_at["processed_items"] < total

        _start_worker(processes, job_redis, tmp_path / "worker-2.log", INSTANCE_ID="worker-2", **slow)
        done = wait_until(lambda: (s := state())["status"] == "succeeded" and s, timeout=120,
                          message="the second worker finished the job")
    finally:
        for process in processes:
            terminate(process)

    assert done["processed_items"] == total
    assert "resumes at chunk" in (tmp_path / "worker-2.log").read_text()
    rows = [p["row"] for p in api.get(f"{JOBS}/{job['id']}/result", headers=headers).json()["predictions"]]
    assert rows == list(range(total)), "every row once, in order"
    kinds = [e["type"] for e in events_of(job_redis, job["id"])]
    assert kinds.count("inference.job.completed") == 1
    assert kinds.count("inference.usage") == 1
    assert kinds.count("inference.job.progress") >= 2


def test_a_job_whose_input_expired_fails_with_an_event(api: TestClient, job_redis: RedisSettings, tokens,
                                                      make_shipment):
    owner = str(uuid.uuid4())
    headers = tokens.headers("user", owner)
    job = api.post(JOBS, json={"shipments": [make_shipment()]}, headers=headers).json()
    api.portal.call(api.app_state["redis"].delete, f"inference:job:{{{job['id']}}}:input")  # as if it had expired

    with TestClient(create_worker_app()) as worker:
        failed = wait_until(lambda: (j := api.get(f"{JOBS}/{job['id']}", headers=headers).json())["status"] == "failed"
                            and j, message="the job failed")
        metrics = worker.get("/metrics").text
    assert failed["error"] == {"code": "input_expired", "reason": "The job's input expired before it could run."}
    assert "result_url" not in failed
    assert api.get(f"{JOBS}/{job['id']}/result", headers=headers).status_code == 409
    assert 'inference_jobs_total{outcome="failed"} 1.0' in metrics
    (event,) = [e for e in events_of(job_redis, job["id"]) if e["type"] == "inference.job.failed"]
    assert (event["data"]["user_id"], event["data"]["error_code"], event["data"]["processed_items"]) == (
        owner, "input_expired", 0)


def test_a_jobs_spans_are_in_the_trace_of_the_request_that_submitted_it(job_redis: RedisSettings, tokens,
                                                                         make_shipment, monkeypatch: pytest.MonkeyPatch):
    """gateway (the caller's traceparent) → inference-bridge → send inference.jobs → the worker's process
    inference.jobs → inference.job → inference.job.chunk → send platform.events, one trace across two processes'
    worth of apps (each with its service.name)."""
    monkeypatch.setenv("INFERENCE_JOB_CHUNK_ROWS", "40")
    spans = RecordedSpans()
    headers = tokens.headers("user", str(uuid.uuid4()))
    shipments = [make_shipment(distance_km=300 + 10 * i) for i in range(101)]
    with TestClient(create_app(span_processors=[spans.processor])) as api:
        job = api.post(JOBS, json={"shipments": shipments}, headers={**headers, "traceparent": CALLER_TRACEPARENT})
        assert job.status_code == 202
        with TestClient(create_worker_app(span_processors=[spans.processor])):
            wait_until(lambda: api.get(f"{JOBS}/{job.json()['id']}", headers=headers).json()["status"] == "succeeded",
                       message="the job succeeded")
            wait_until(lambda: spans.named("process inference.jobs"), message="the job's consumer span ended")

    server = spans.one(f"POST {JOBS}")
    assert parent_span_id_of(server) == CALLER_SPAN_ID and server.resource.attributes["service.name"] == "inference-bridge"
    send = spans.one("send inference.jobs")
    process = spans.one("process inference.jobs")
    job_span = spans.one("inference.job")
    chunks = spans.named("inference.job.chunk")
    outcomes = [span for span in spans.named("send platform.events") if parent_span_id_of(span) == span_id_of(job_span)]
    assert parent_span_id_of(send) == span_id_of(server)
    assert parent_span_id_of(process) == span_id_of(send)
    assert process.resource.attributes["service.name"] == "inference-worker"
    assert parent_span_id_of(job_span) == span_id_of(process)
    assert job_span.attributes is not None and job_span.attributes["inference.job.id"] == job.json()["id"]
    assert sorted(span.attributes["inference.job.chunk.index"] for span in chunks) == [0, 1, 2]  # type: ignore[index]
    assert {parent_span_id_of(span) for span in chunks} == {span_id_of(job_span)}
    # completed and usage, published by the job once its chunks are done
    assert sorted(span.attributes["cloudevents.event_type"] for span in outcomes) == [  # type: ignore[index]
        "inference.job.completed", "inference.usage"]
    for span in [server, send, process, job_span, *chunks, *outcomes]:
        assert trace_id_of(span) == CALLER_TRACE_ID, span.name
