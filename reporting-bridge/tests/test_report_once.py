"""A report is computed and announced once (issue 19), on SQLite and PostgreSQL with a private Redis: two workers
and a report that outlasts EVENTS_MIN_IDLE_MS (the backbone's lease keeps it with the worker computing it); the
attempt fencing (a stale computation writes nothing once a newer one started); and a final report delivered again,
announced again with the same event id, which consumers skip as a duplicate."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from contract_types.event_types import REPORT_READY
from contract_types.events import ReportReady
from reporting_bridge.domain.compute import ReportResult
from reporting_bridge.store import reports
from reporting_bridge.store.tables import report_results
from reporting_bridge.store.tables import reports as reports_table
from reporting_bridge.worker.handlers import AttemptSuperseded, ReportWorker
from event_store_data import load_events, synthetic_events
from service_kit.events import ConsumerSettings, EventHandlers, EventMetrics, EventPublisher, StreamConsumer, TypedEvent
from service_kit.redis_client import create_redis_client
from service_kit.settings import RedisSettings
from service_kit_testing.events import typed_event
from service_kit_testing.waiting import wait_until, wait_until_async
from test_worker_restart import PARAMS, start_worker

MIN_IDLE_SECONDS = 1.0  # EVENTS_MIN_IDLE_MS of platform_env
OUTCOME_TYPES = ("report.ready", "report.failed")
OWNER = "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b"


def outcomes_on_stream(entries: list[tuple[str, dict[str, str]]], report_id: str) -> list[dict[str, Any]]:
    """The report.ready / report.failed events about `report_id` among platform.events' entries."""
    found = (json.loads(fields["cloudevent"]) for _, fields in entries)
    return [event for event in found if event["type"] in OUTCOME_TYPES and event["data"]["report_id"] == report_id]


def attempts_of(engine: Engine, report_id: str) -> int:
    with engine.connect() as connection:
        return connection.execute(select(reports_table.c.attempt).where(reports_table.c.id == report_id)).scalar_one()


def test_a_report_outlasting_min_idle_with_two_workers_is_computed_once_and_announced_once(
    service: TestClient, people, engine: Engine, tmp_path: Path
):
    load_events(engine, synthetic_events(20_000, start=datetime(2026, 11, 1), days=10, users=["u1", "u2"]))
    redis = service.app_state["redis"]

    def consuming(name: str) -> bool:
        log = tmp_path / f"{name}.log"
        return log.exists() and "reading reporting.jobs" in log.read_text(errors="replace")

    workers = [start_worker(tmp_path, "worker-1"), start_worker(tmp_path, "worker-2")]
    try:
        # Both read the job stream (and run their reclaim rounds) before the report is asked for.
        wait_until(lambda: consuming("worker-1") and consuming("worker-2"), timeout=90,
                   message="both workers consuming")
        admin = people("admin")
        report_id = service.post("/api/reports", headers=admin.headers,
                                 json={"type": "platform-activity", "params": PARAMS}).json()["id"]
        wait_until(lambda: service.get(f"/api/reports/{report_id}", headers=admin.headers).json()["status"]
                   in reports.FINAL, timeout=120, message="the report final")
        wait_until(lambda: service.portal.call(redis.xpending, "reporting.jobs", "reporting-worker")["pending"] == 0,
                   timeout=30, message="the job acknowledged")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)

    report = reports.find(engine, report_id)
    assert report is not None and report["status"] == "ready", report
    took = (report["completed_at"] - report["started_at"]).total_seconds()
    assert took > 3 * MIN_IDLE_SECONDS, f"the computation took {took:.1f} s: too short to prove anything"
    assert attempts_of(engine, report_id) == 1, "computed by one worker, once"
    announced = outcomes_on_stream(service.portal.call(redis.xrange, "platform.events"), report_id)
    assert [event["type"] for event in announced] == ["report.ready"]
    with engine.connect() as connection:
        assert len(connection.execute(select(report_results.c.report_id)
                                      .where(report_results.c.report_id == report_id)).all()) == 1


def test_a_stale_attempt_cannot_overwrite_a_newer_one(engine: Engine):
    report_id = reports.create(engine, owner_id=OWNER, report_type="platform-activity", params=PARAMS,
                               scope_user_id=None)["id"]
    stale = reports.start(engine, report_id)
    newer = reports.start(engine, report_id)  # a second computation took over
    assert (stale, newer) == (1, 2)
    assert reports.set_progress(engine, report_id, newer, 40)

    stale_result = ReportResult(columns=["n"], rows=[{"n": 1}], summary={"n": 1})
    assert not reports.set_progress(engine, report_id, stale, 80)
    assert not reports.complete(engine, report_id, stale, stale_result)
    assert not reports.fail(engine, report_id, stale, "computation_error", "stale")
    row = reports.find(engine, report_id)
    assert row is not None and (row["status"], row["progress"], row["attempt"]) == ("running", 40, 2)
    assert reports.result_of(engine, report_id) is None

    newer_result = ReportResult(columns=["n"], rows=[{"n": 2}, {"n": 3}], summary={"n": 5})
    assert reports.complete(engine, report_id, newer, newer_result)
    assert not reports.complete(engine, report_id, newer, stale_result)  # final: once
    assert reports.start(engine, report_id) is None  # no attempt after a final report
    stored = reports.result_of(engine, report_id)
    assert stored is not None and stored["rows"] == newer_result.rows


def requested(report: dict[str, Any]) -> TypedEvent[Any]:
    return typed_event("report.requested", {
        "report_id": report["id"], "user_id": report["owner_id"], "report_type": report["type"],
        "parameters": {**PARAMS}, "requested_at": "2026-12-01T10:00:00Z"}, "2026-12-01T10:00:00Z")


@pytest.mark.anyio
async def test_a_superseded_computation_stops_writes_nothing_and_announces_nothing(
    engine: Engine, platform_env: str
):
    await asyncio.to_thread(load_events, engine,
                            synthetic_events(20_000, start=datetime(2026, 11, 1), days=10, users=["u1"]))
    report = reports.create(engine, owner_id=OWNER, report_type="platform-activity", params=PARAMS, scope_user_id=None)
    redis = create_redis_client(RedisSettings.given(url=platform_env))
    try:
        worker = ReportWorker(engine, EventPublisher(redis, source="/reporting-worker"), chunk_rows=10)
        computing = asyncio.create_task(worker(requested(report)))
        await wait_until_async(lambda: asyncio.to_thread(_progress_of, engine, report["id"], 10), timeout=60,
                               message="the first computation under way")
        assert await asyncio.to_thread(reports.start, engine, report["id"]) == 2  # another worker's attempt
        with pytest.raises(AttemptSuperseded):
            await asyncio.wait_for(computing, 60)
        row = reports.find(engine, report["id"])
        assert row is not None and (row["status"], row["progress"], row["attempt"]) == ("running", 0, 2), row
        assert outcomes_on_stream(await redis.xrange("platform.events"), report["id"]) == []
    finally:
        await redis.aclose()


def _progress_of(engine: Engine, report_id: str, at_least: int) -> bool:
    row = reports.find(engine, report_id)
    return row is not None and row["progress"] >= at_least


@pytest.mark.anyio
async def test_a_final_report_delivered_again_is_announced_again_with_the_same_event_id(
    engine: Engine, platform_env: str
):
    report = reports.create(engine, owner_id=OWNER, report_type="platform-activity", params=PARAMS, scope_user_id=None)
    redis = create_redis_client(RedisSettings.given(url=platform_env))
    metrics = EventMetrics()
    seen: Counter[str] = Counter()

    async def watch(event: TypedEvent[ReportReady]) -> None:
        seen[event.id] += 1

    watcher = StreamConsumer(redis, ConsumerSettings(stream="platform.events", group="watchers", consumer="w1",
                                                     block_ms=100, reclaim_interval_ms=100),
                             EventHandlers().on(REPORT_READY, watch), metrics=metrics)
    try:
        worker = ReportWorker(engine, EventPublisher(redis, source="/reporting-worker"), chunk_rows=10)
        job = requested(report)
        await worker(job)
        # Delivered again, as after a worker that died after storing the report (before or after announcing it).
        await worker(job)
        announced = outcomes_on_stream(await redis.xrange("platform.events"), report["id"])
        assert [event["type"] for event in announced] == ["report.ready", "report.ready"]
        assert announced[0]["id"] == announced[1]["id"]

        async with watcher:
            await wait_until_async(lambda: (metrics.registry.get_sample_value(
                "events_duplicates_skipped_total", {"stream": "platform.events", "group": "watchers"}) or 0) == 1,
                message="the second announcement skipped as a duplicate")
        assert seen == {announced[0]["id"]: 1}
    finally:
        await redis.aclose()
