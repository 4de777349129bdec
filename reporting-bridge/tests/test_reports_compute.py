"""Each report's numbers against a small dataset computed by hand, on SQLite and on PostgreSQL.

The dataset (UTC): sign-ups on 2026-11-01..05, user A's and user B's model uses and finished jobs on
2026-11-02 and 03. 2026-11-02 is a Monday. Expected values are worked out in the comments.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select

from reporting_bridge.domain.compute import ReportJob, compute
from reporting_bridge.store.events import store_event
from reporting_bridge.store.tables import event_lanes, events
from event_store_data import store_events
from service_kit_testing.events import typed_event

A = "aaaaaaaa-0000-4000-8000-000000000001"
B = "bbbbbbbb-0000-4000-8000-000000000002"
JOB = "cccccccc-0000-4000-8000-000000000003"


def usage(user: str, at: str, operation: str, predictions: int, latency: float, risk: float,
          lanes: list[tuple[str, str, int, float]]):
    data = {"user_id": user, "operation": operation, "model_version": "1.0.0", "predictions": predictions,
            "latency_ms": latency, "mean_delay_probability": risk, "occurred_at": at,
            "lanes": [{"origin": o, "destination": d, "predictions": n, "mean_delay_probability": p}
                      for o, d, n, p in lanes]}
    if operation == "job":
        data["job_id"] = JOB
    return typed_event("inference.usage", data, at)


def job_completed(user: str, at: str, duration_ms: int):
    return typed_event("inference.job.completed", {
        "job_id": JOB, "user_id": user, "model_version": "1.0.0", "total_items": 4, "succeeded_items": 4,
        "failed_items": 0, "result_url": f"/api/inference/v1/jobs/{JOB}", "duration_ms": duration_ms,
        "completed_at": at}, at)


def signup(at: str, role: str):
    return typed_event("user.registered", {"user_id": "dddddddd-0000-4000-8000-000000000004", "email": "x@example.com",
                                     "name": "Someone", "role": role, "registered_at": at}, at)


@pytest.fixture
def dataset(engine: Engine) -> Engine:
    store_events(engine,
          signup("2026-11-01T23:59:59Z", "user"),  # Sunday: before the day reports' range
          signup("2026-11-02T09:00:00Z", "user"),
          signup("2026-11-02T10:00:00Z", "user"),
          signup("2026-11-02T11:00:00Z", "admin"),
          signup("2026-11-03T08:00:00Z", "viewer"),
          signup("2026-11-05T00:00:00Z", "user"),  # after the day reports' range
          usage(A, "2026-11-02T10:00:00Z", "eta", 1, 4.0, 0.2, [("TX", "CA", 1, 0.2)]),
          usage(A, "2026-11-02T12:00:00Z", "eta_batch", 3, 10.0, 0.5, [("TX", "CA", 2, 0.6), ("NY", "NJ", 1, 0.3)]),
          usage(A, "2026-11-03T09:00:00Z", "job", 4, 30.0, 0.25, [("NY", "NJ", 4, 0.25)]),
          usage(B, "2026-11-02T11:00:00Z", "eta", 10, 2.0, 0.9, [("CA", "OR", 10, 0.9)]),
          job_completed(A, "2026-11-02T13:00:00Z", 100),
          job_completed(A, "2026-11-02T14:00:00Z", 300),
          job_completed(A, "2026-11-03T10:00:00Z", 1000),
          job_completed(B, "2026-11-02T15:00:00Z", 5000))
    return engine


def run(engine: Engine, report_type: str, scope: str | None = None, chunk_rows: int = 2, **params: str):
    seen: list[int] = []
    result = compute(engine, ReportJob(report_type, params, scope), seen.append, chunk_rows=chunk_rows)
    assert seen == sorted(seen) and seen[0] == 5 and seen[-1] == 90, seen
    return result


def test_user_signups_per_day_and_role(dataset: Engine):
    result = run(dataset, "user-signups", **{"from": "2026-11-02", "to": "2026-11-04"}, granularity="day",
                 group_by="role")
    assert result.columns == ["period_start", "role", "signups"]
    assert result.rows == [
        {"period_start": "2026-11-02", "role": "admin", "signups": 1},
        {"period_start": "2026-11-02", "role": "user", "signups": 2},
        {"period_start": "2026-11-03", "role": "viewer", "signups": 1},
    ]
    assert result.summary == {"signups": 4, "by_role": {"admin": 1, "user": 2, "viewer": 1}}


def test_user_signups_per_day_cover_quiet_days(dataset: Engine):
    result = run(dataset, "user-signups", **{"from": "2026-11-02", "to": "2026-11-04"}, granularity="day",
                 group_by="none")
    assert result.rows == [{"period_start": "2026-11-02", "signups": 3}, {"period_start": "2026-11-03", "signups": 1},
                           {"period_start": "2026-11-04", "signups": 0}]


def test_user_signups_per_iso_week(dataset: Engine):
    # Sunday 11-01 belongs to the week of Monday 10-26; 11-02..11-05 to the week of 11-02.
    result = run(dataset, "user-signups", **{"from": "2026-11-01", "to": "2026-11-08"}, granularity="week",
                 group_by="none")
    assert result.rows == [{"period_start": "2026-10-26", "signups": 1}, {"period_start": "2026-11-02", "signups": 5}]


def test_inference_usage_of_one_user_per_day(dataset: Engine):
    result = run(dataset, "inference-usage", A, **{"from": "2026-11-02", "to": "2026-11-04"}, granularity="day",
                 group_by="none")
    # 11-02: risk (1*0.2 + 3*0.5) / 4 = 0.425; latency (4 + 10) / 2 = 7; jobs 100 and 300 ms: p50 200,
    #        p95 100 + 0.95 * 200 = 290 (linear interpolation)
    # summary: risk (1.7 + 4*0.25) / 8 = 0.3375; durations 100, 300, 1000: p95 at 1.9 -> 300 + 0.9*700 = 930
    assert result.rows == [
        {"period_start": "2026-11-02", "uses": 2, "predictions": 4, "mean_delay_probability": 0.425,
         "mean_latency_ms": 7.0, "jobs": 2, "p50_job_duration_ms": 200.0, "p95_job_duration_ms": 290.0},
        {"period_start": "2026-11-03", "uses": 1, "predictions": 4, "mean_delay_probability": 0.25,
         "mean_latency_ms": 30.0, "jobs": 1, "p50_job_duration_ms": 1000.0, "p95_job_duration_ms": 1000.0},
        {"period_start": "2026-11-04", "uses": 0, "predictions": 0, "mean_delay_probability": None,
         "mean_latency_ms": None, "jobs": 0, "p50_job_duration_ms": None, "p95_job_duration_ms": None},
    ]
    assert result.summary == {"uses": 3, "predictions": 8, "mean_delay_probability": 0.3375, "jobs": 3,
                              "p50_job_duration_ms": 300.0, "p95_job_duration_ms": 930.0}


def test_inference_usage_of_everyone_for_an_admin(dataset: Engine):
    result = run(dataset, "inference-usage", None, **{"from": "2026-11-02", "to": "2026-11-02"},
                 granularity="day", group_by="none")
    # risk (1.7 + 10*0.9) / 14 = 0.76428...; latency (4 + 10 + 2) / 3; durations 100, 300, 5000:
    # p95 300 + 0.9 * 4700 = 4530
    assert result.rows == [{"period_start": "2026-11-02", "uses": 3, "predictions": 14,
                            "mean_delay_probability": 0.7643, "mean_latency_ms": 5.33, "jobs": 3,
                            "p50_job_duration_ms": 300.0, "p95_job_duration_ms": 4530.0}]


def test_inference_usage_per_lane(dataset: Engine):
    result = run(dataset, "inference-usage", A, **{"from": "2026-11-02", "to": "2026-11-04"}, granularity="day",
                 group_by="lane")
    # TX->CA on 11-02: (1*0.2 + 2*0.6) / 3 = 0.46666...
    assert result.rows == [
        {"period_start": "2026-11-02", "origin": "NY", "destination": "NJ", "predictions": 1,
         "mean_delay_probability": 0.3},
        {"period_start": "2026-11-02", "origin": "TX", "destination": "CA", "predictions": 3,
         "mean_delay_probability": 0.4667},
        {"period_start": "2026-11-03", "origin": "NY", "destination": "NJ", "predictions": 4,
         "mean_delay_probability": 0.25},
    ]
    assert result.summary == {"predictions": 8, "lanes": 2, "mean_delay_probability": 0.3375}


def test_platform_activity_per_hour_and_type(dataset: Engine):
    result = run(dataset, "platform-activity", **{"from": "2026-11-02", "to": "2026-11-02"}, granularity="hour",
                 group_by="event_type")
    hour = "2026-11-02T{:02d}:00:00Z".format
    assert [(r["period_start"], r["event_type"], r["events"]) for r in result.rows] == [
        (hour(9), "user.registered", 1),
        (hour(10), "inference.usage", 1), (hour(10), "user.registered", 1),
        (hour(11), "inference.usage", 1), (hour(11), "user.registered", 1),
        (hour(12), "inference.usage", 1),
        (hour(13), "inference.job.completed", 1), (hour(14), "inference.job.completed", 1),
        (hour(15), "inference.job.completed", 1),
    ]
    assert result.summary == {"events": 9, "by_event_type": {
        "inference.job.completed": 3, "inference.usage": 3, "user.registered": 3}}


def test_platform_activity_per_day(dataset: Engine):
    result = run(dataset, "platform-activity", **{"from": "2026-11-02", "to": "2026-11-04"}, granularity="day",
                 group_by="none")
    assert result.rows == [{"period_start": "2026-11-02", "events": 9}, {"period_start": "2026-11-03", "events": 3},
                           {"period_start": "2026-11-04", "events": 0}]


def test_a_report_over_an_empty_range_has_zero_rows_or_zeros(dataset: Engine):
    result = run(dataset, "inference-usage", A, **{"from": "2026-12-01", "to": "2026-12-01"}, granularity="day",
                 group_by="lane")
    assert result.rows == [] and result.summary == {"predictions": 0, "lanes": 0, "mean_delay_probability": None}


def test_a_duplicate_event_is_stored_and_counted_once(dataset: Engine):
    twice = usage(A, "2026-11-04T10:00:00Z", "eta", 2, 1.0, 0.5, [("TX", "CA", 2, 0.5)])
    assert store_event(dataset, twice) is True
    assert store_event(dataset, twice) is False
    with dataset.connect() as connection:
        assert connection.execute(select(func.count()).where(events.c.id == twice.id)).scalar_one() == 1
        assert connection.execute(select(func.count()).where(event_lanes.c.event_id == twice.id)).scalar_one() == 1
    result = run(dataset, "inference-usage", A, **{"from": "2026-11-04", "to": "2026-11-04"}, granularity="day",
                 group_by="none")
    assert result.rows[0]["uses"] == 1 and result.rows[0]["predictions"] == 2
