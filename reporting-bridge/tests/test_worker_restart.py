"""A worker killed (SIGKILL) in the middle of a report: the next worker takes the job over and the report
completes, with one result, equal to what an uninterrupted computation gives. On SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from reporting_bridge.domain.compute import ReportJob, compute
from reporting_bridge.store.database import create_database_engine, database_url, migrate
from reporting_bridge.store.tables import report_results
from event_store_data import load_events, synthetic_events
from service_kit_testing.waiting import wait_until

PARAMS = {"from": "2026-11-01", "to": "2026-11-10", "granularity": "hour", "group_by": "event_type"}


def start_worker(tmp_path: Path, name: str) -> subprocess.Popen[bytes]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Small chunks make the report take seconds, so that the kill lands in the middle of it.
    env = {**os.environ, "REPORTING_WORKER_PORT": str(port), "BIND_ADDRESS": "127.0.0.1", "REPORTING_CHUNK_ROWS": "10"}
    with (tmp_path / f"{name}.log").open("wb") as log:
        return subprocess.Popen([sys.executable, "-m", "reporting_bridge.worker"], env=env, stdout=log,
                                stderr=subprocess.STDOUT)


def test_a_report_completes_after_its_worker_was_killed(service: TestClient, people, database, tmp_path: Path):
    engine = create_database_engine(database_url(tmp_path, database))
    migrate(engine)
    load_events(engine, synthetic_events(20_000, start=datetime(2026, 11, 1), days=10, users=["u1", "u2"]))
    admin = people("admin")
    report_id = service.post("/api/reports", headers=admin.headers,
                             json={"type": "platform-activity", "params": PARAMS}).json()["id"]

    def report() -> dict:
        return service.get(f"/api/reports/{report_id}", headers=admin.headers).json()

    first = start_worker(tmp_path, "worker-1")
    try:
        wait_until(lambda: report()["progress"] >= 10, timeout=60, interval=0.01)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    killed_at = report()
    assert killed_at["status"] == "running" and killed_at["progress"] < 100, killed_at

    second = start_worker(tmp_path, "worker-2")
    try:
        wait_until(lambda: report()["status"] == "ready", timeout=60)
    finally:
        second.terminate()
        second.wait(timeout=15)
    done = report()
    expected = compute(engine, ReportJob("platform-activity", PARAMS, None), lambda _: None)
    assert done["row_count"] == len(expected.rows) and done["summary"] == expected.summary
    assert done["summary"]["events"] == 20_000
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(report_results)).scalar_one() == 1
    engine.dispose()
