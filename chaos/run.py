"""One chaos run: the load starts, the faults of the scenario's schedule follow in turn (each until the platform has
recovered by itself), a final round of every operation, the settling, then the checks and the figures. The scenarios
(chaos/test_chaos.py) differ in the platform they run on and their schedule; the load and the checks are the same."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chaos.checks import (
    Checks,
    consumer_spread,
    latency_figures,
    read_store,
    settle,
    submitted,
)
from chaos.history import History
from chaos.injector import Injector
from chaos.schedule import Backbone, Schedule
from chaos.workload import Account, Workload, credentials_file

BASELINE_REQUESTS = 40  # answered before the first fault: the load is running
BASELINE_TIMEOUT_SECONDS = 60


# What a scenario's schedule is made from (Schedule or a subclass of it): injector, history, every process's URL, the
# prober, the backbone counters.
ScheduleFactory = Callable[[Injector, History, dict[str, str], Account, Backbone], Schedule]


@dataclass
class Config:
    gateway_url: str
    # Every process of a service or worker by name: each part's, and each instance's of a scaled part (`<part>-<n>`).
    service_urls: dict[str, str]
    state_file: Path
    faults_url: str  # "" on a platform without the fault proxy
    reporting_database_url: str
    admin_email: str
    admin_password: str
    route_timeout_ms: int
    artifacts: Path
    logs_dir: Path | None = None  # the platform's logs, copied into the artifacts after the run

    @classmethod
    def from_environment(cls) -> Config:
        def need(name: str) -> str:
            value = os.environ.get(name)
            if not value:
                raise RuntimeError(f"{name} is not set: run the chaos suite through ./platform test chaos")
            return value

        return cls(need("GATEWAY_URL").rstrip("/"), json.loads(need("CHAOS_SERVICE_URLS")),
                   Path(need("CHAOS_STATE_FILE")), os.environ.get("CHAOS_FAULTS_URL", ""),
                   need("CHAOS_REPORTING_DATABASE_URL"),
                   need("CHAOS_ADMIN_EMAIL"), need("CHAOS_ADMIN_PASSWORD"), int(need("CHAOS_ROUTE_TIMEOUT_MS")),
                   Path(need("CHAOS_ARTIFACTS_DIR")), Path(need("CHAOS_LOGS_DIR")))


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.25)


def final_round(workload: Workload) -> list[str]:
    """After the faults: every operation of every user, and a sign-in of every account registered during the run,
    must succeed at the first attempt (the platform recovered without anyone acting)."""
    failures = []
    expected = {"predict": 200, "predict_batch": 200, "submit_job": 202, "request_report": 202, "who_am_i": 200,
                "read_history": 200, "refresh": 200}
    for account in workload.accounts:
        account.next_sign_in_at = 0.0  # no backoff left over from the faults
        for name, answer in workload.every_operation(account).items():
            if name in expected and (answer is None or answer.status_code != expected[name]):
                failures.append(f"final round: {name} by {account.label} answered "
                                f"{'nothing' if answer is None else answer.status_code}")
        if account.api.tokens is None:
            failures.append(f"final round: {account.label} could not sign in again")
    assert workload.admin is not None
    if workload.broadcast(workload.admin) is None:
        failures.append("final round: the admin's broadcast got no answer")
    for registered in workload.registered:
        api, _ = workload.session(f"sign-in-{registered['id'][:8]}")
        with api:
            try:
                api.sign_in(registered["email"], registered["password"])
            except Exception as error:  # noqa: BLE001 - any refusal is the finding
                failures.append(f"final round: {registered['email']} (registered with 201) cannot sign in: {error}")
    return failures


def run(config: Config, schedule_of: ScheduleFactory = Schedule, in_order: bool = True
        ) -> tuple[list[str], dict[str, Any]]:
    """One run of a scenario; `in_order`: whether each client must receive each topic's events in the history's order
    (a finding if not), or only counts those it did not (`out_of_order` in the figures, listed in findings.txt)."""
    started = time.monotonic()
    history = History(config.artifacts / "history.jsonl")
    workload = Workload(config.gateway_url, config.admin_email, config.admin_password, history, credentials_file())
    backbone = Backbone(dict(config.service_urls))
    findings: list[str] = []
    faults_injected = 0
    try:
        workload.prepare()
        prober: Account = workload.signed_in_admin("probe")
        backbone.start()
        workload.start()
        wait_for(lambda: sum(r["status"] // 100 == 2 for r in history.of_kind("request")) >= BASELINE_REQUESTS,
                 BASELINE_TIMEOUT_SECONDS, "the load answered on a healthy platform")
        schedule = schedule_of(Injector(config.faults_url, config.state_file), history, config.service_urls, prober,
                               backbone)
        faults_injected = schedule.run()
        workload.stop_load()
        findings += final_round(workload)
        owners = {a.label: a for a in (workload.admin, *workload.accounts)}
        records = settle(workload, history, owners)
        records.store = read_store(config.reporting_database_url)
    finally:
        workload.close()
    checks = Checks(history, workload, records, {"/api/": config.route_timeout_ms}, in_order)
    checks.answers()
    checks.closes()
    checks.work_done_once()
    checks.broadcasts_and_registrations_once()
    usage = checks.usage_never_counted_twice()
    feeds = checks.feeds()
    findings += checks.findings
    readings = backbone.final()
    counters = readings.totals
    if counters.get("events_dead_lettered_total"):
        findings.append(f"{counters['events_dead_lettered_total']:.0f} event(s) dead-lettered during the run")
    spread, idle = consumer_spread(readings.consumed, readings.since_restart)
    findings += idle
    requests = history.of_kind("request")
    figures = {
        "seconds": round(time.monotonic() - started, 1),
        "requests": len(requests),
        "statuses": dict(sorted(Counter(str(r["status"]) for r in requests).items())),
        "accepted": {what: len(submitted(history, what)) for what in ("job", "report", "broadcast", "registration")},
        "events_received": feeds["received"],
        "ws_reconnects": sum(f.connections - 1 for f in workload.feeds),
        "sse_reconnects": sum(s.connections - 1 for s in workload.streams),
        "faults_injected": faults_injected,
        "lost": checks.lost,
        "duplicates": checks.duplicates,
        "duplicates_seen_by_clients": feeds["duplicates"],
        "out_of_order": len(checks.out_of_order),
        "redeliveries_skipped_by_handlers": int(counters.get("events_duplicates_skipped_total", 0)),
        "handler_retries": int(counters.get("events_retried_total", 0)),
        "dead_lettered": int(counters.get("events_dead_lettered_total", 0)),
        "predictions_answered": usage["answered"], "usage_events_recorded": usage["recorded"],
        **latency_figures(history),
        # Per consumer group of a scaled part: what each instance took from the load's start (none without replicas).
        "consumer_spread": spread,
        "faults": [{"name": f.name, "seconds": round((f.ended or f.started) - f.started, 1)} for f in history.faults],
    }
    history.record("figures", **figures)
    history.close()
    (config.artifacts / "figures.json").write_text(json.dumps(figures, indent=2))
    known = [] if in_order else [f"not a finding here: {line}" for line in checks.out_of_order]
    (config.artifacts / "findings.txt").write_text("\n".join([*findings, *known]) + "\n")
    if config.logs_dir is not None:  # the platform's folder goes with it; the findings point into these
        shutil.rmtree(config.artifacts / "logs", ignore_errors=True)
        shutil.copytree(config.logs_dir, config.artifacts / "logs")
    return findings, figures
