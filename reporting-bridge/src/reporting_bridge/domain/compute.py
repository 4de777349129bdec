"""The reports themselves: pandas over the event store, read in chunks so memory stays bounded by the
result (and, for job durations, by one float per job in the range), not by the number of events.

Every report is a table whose first column is `period_start` (the bucket: UTC hour, day, or ISO week from
Monday); rows with a grouping column hold only non-empty groups, rows without one cover every bucket of
the range (zeros included), so a chart shows quiet days.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Select, func, select

from reporting_bridge.domain.report_job import ReportJob, ReportResult
from reporting_bridge.settings import DEFAULT_CHUNK_ROWS
from reporting_bridge.store.tables import event_lanes, events

Progress = Callable[[int], None]


def bucket(moments: pd.Series, granularity: str) -> pd.Series:
    moments = pd.to_datetime(moments)
    if granularity == "hour":
        return moments.dt.floor("h")
    if granularity == "day":
        return moments.dt.floor("D")
    return (moments.dt.floor("D") - pd.to_timedelta(moments.dt.day_of_week, unit="D"))


def bucket_grid(job: ReportJob) -> pd.DatetimeIndex:
    granularity = job.params["granularity"]
    first = bucket(pd.Series([job.start]), granularity).iloc[0]
    step = {"hour": "h", "day": "D", "week": "7D"}[granularity]
    return pd.date_range(first, job.end - timedelta(microseconds=1), freq=step, name="bucket")


def period_label(moment: pd.Timestamp, granularity: str) -> str:
    return moment.strftime("%Y-%m-%dT%H:00:00Z") if granularity == "hour" else moment.strftime("%Y-%m-%d")


class ChunkedReader:
    """Reads the rows of several queries chunk by chunk, reporting progress over all of them together."""

    def __init__(self, engine: Engine, queries: list[Select], progress: Progress, chunk_rows: int) -> None:
        self.engine = engine
        self.chunk_rows = chunk_rows
        self.progress = progress
        with engine.connect() as connection:
            self.total = sum(connection.execute(select(func.count()).select_from(q.subquery())).scalar_one()
                             for q in queries)
        self.done = 0

    def chunks(self, query: Select) -> Iterator[pd.DataFrame]:
        # stream_results: a server-side cursor on PostgreSQL; without it psycopg fetches the whole result
        # into the client before pandas sees the first chunk (memory would follow the event count).
        with self.engine.connect().execution_options(stream_results=True, max_row_buffer=self.chunk_rows) as connection:
            for chunk in pd.read_sql_query(query, connection, chunksize=self.chunk_rows):
                # Column labels come as SQLAlchemy's quoted_name, which pandas' indexes do not take for str.
                chunk.columns = [str(column) for column in chunk.columns]
                yield chunk
                self.done += len(chunk)
                # Loading is 5..90 %: the rest is aggregation and storing, which are quick.
                self.progress(5 + int(85 * self.done / max(self.total, 1)))


def _in_range(table, job: ReportJob, *conditions):  # type: ignore[no-untyped-def]
    clauses = [table.c.occurred_at >= job.start, table.c.occurred_at < job.end, *conditions]
    if job.scope_user_id is not None:
        clauses.append(table.c.user_id == job.scope_user_id)
    return clauses


def _counts_rows(counts: pd.Series, job: ReportJob, group_column: str | None, value_column: str) -> list[dict]:
    granularity = job.params["granularity"]
    if group_column is None:
        counts = counts.reindex(bucket_grid(job), fill_value=0)
        return [{"period_start": period_label(b, granularity), value_column: int(n)} for b, n in counts.items()]
    counts = counts[counts > 0].sort_index()
    return [{"period_start": period_label(b, granularity), group_column: g, value_column: int(n)}
            for (b, g), n in counts.items()]


def _add(total: pd.Series | pd.DataFrame | None, part):  # type: ignore[no-untyped-def]
    return part if total is None else total.add(part, fill_value=0)


def _count_report(engine: Engine, job: ReportJob, query: Select, group_column: str | None, value_column: str,
                  progress: Progress, chunk_rows: int) -> ReportResult:
    """Rows of `query` (occurred_at [, group_column]) counted per bucket [and group]."""
    granularity = job.params["granularity"]
    keys = ["bucket", group_column] if group_column else ["bucket"]
    reader = ChunkedReader(engine, [query], progress, chunk_rows)
    counts = None
    for chunk in reader.chunks(query):
        chunk["bucket"] = bucket(chunk["occurred_at"], granularity)
        counts = _add(counts, chunk.groupby(keys).size())
    if counts is None:
        counts = pd.Series(dtype="int64", index=pd.MultiIndex.from_tuples([], names=keys) if group_column
                           else pd.DatetimeIndex([], name="bucket"))
    rows = _counts_rows(counts, job, group_column, value_column)
    summary: dict[str, Any] = {value_column: int(counts.sum())}
    if group_column:
        summary[f"by_{group_column}"] = {g: int(n) for g, n in counts.groupby(level=group_column).sum().items()}
    return ReportResult(["period_start", *keys[1:], value_column], rows, summary)


def user_signups(engine: Engine, job: ReportJob, progress: Progress, chunk_rows: int) -> ReportResult:
    query = select(events.c.occurred_at, events.c.role).where(
        *_in_range(events, job, events.c.type == "user.registered"))
    group = "role" if job.params["group_by"] == "role" else None
    return _count_report(engine, job, query, group, "signups", progress, chunk_rows)


def platform_activity(engine: Engine, job: ReportJob, progress: Progress, chunk_rows: int) -> ReportResult:
    query = select(events.c.occurred_at, events.c.type.label("event_type")).where(*_in_range(events, job))
    group = "event_type" if job.params["group_by"] == "event_type" else None
    return _count_report(engine, job, query, group, "events", progress, chunk_rows)


def _weighted_mean(weighted: float, weights: float) -> float | None:
    return round(weighted / weights, 4) if weights else None


def _percentile(durations: pd.Series, q: float) -> float | None:
    return None if durations.empty else round(float(durations.quantile(q)), 1)


def inference_usage(engine: Engine, job: ReportJob, progress: Progress, chunk_rows: int) -> ReportResult:
    if job.params["group_by"] == "lane":
        return _inference_usage_per_lane(engine, job, progress, chunk_rows)
    granularity = job.params["granularity"]
    uses = select(events.c.occurred_at, events.c.predictions, events.c.latency_ms,
                  events.c.mean_delay_probability).where(*_in_range(events, job, events.c.type == "inference.usage"))
    jobs = select(events.c.occurred_at, events.c.duration_ms).where(
        *_in_range(events, job, events.c.type == "inference.job.completed"))
    reader = ChunkedReader(engine, [uses, jobs], progress, chunk_rows)
    sums = None
    for chunk in reader.chunks(uses):
        chunk["bucket"] = bucket(chunk["occurred_at"], granularity)
        chunk["weighted"] = chunk["predictions"] * chunk["mean_delay_probability"]
        chunk["uses"] = 1
        sums = _add(sums, chunk.groupby("bucket")[["uses", "predictions", "weighted", "latency_ms"]].sum())
    durations: list[pd.DataFrame] = []
    for chunk in reader.chunks(jobs):
        durations.append(pd.DataFrame({"bucket": bucket(chunk["occurred_at"], granularity),
                                       "duration_ms": chunk["duration_ms"].astype("float64")}))
    grid = bucket_grid(job)
    sums = (sums if sums is not None else pd.DataFrame(columns=["uses", "predictions", "weighted", "latency_ms"],
                                                      dtype="float64")).reindex(grid, fill_value=0)
    all_durations = pd.concat(durations) if durations else pd.DataFrame({"bucket": [], "duration_ms": []})
    by_bucket = dict(tuple(all_durations.groupby("bucket")["duration_ms"]))
    rows = []
    for moment, values in sums.iterrows():
        bucket_durations = by_bucket.get(moment, pd.Series(dtype="float64"))
        rows.append({
            "period_start": period_label(moment, granularity),
            "uses": int(values["uses"]),
            "predictions": int(values["predictions"]),
            "mean_delay_probability": _weighted_mean(values["weighted"], values["predictions"]),
            "mean_latency_ms": round(values["latency_ms"] / values["uses"], 2) if values["uses"] else None,
            "jobs": len(bucket_durations),
            "p50_job_duration_ms": _percentile(bucket_durations, 0.5),
            "p95_job_duration_ms": _percentile(bucket_durations, 0.95),
        })
    summary = {
        "uses": int(sums["uses"].sum()),
        "predictions": int(sums["predictions"].sum()),
        "mean_delay_probability": _weighted_mean(sums["weighted"].sum(), sums["predictions"].sum()),
        "jobs": len(all_durations),
        "p50_job_duration_ms": _percentile(all_durations["duration_ms"], 0.5),
        "p95_job_duration_ms": _percentile(all_durations["duration_ms"], 0.95),
    }
    columns = ["period_start", "uses", "predictions", "mean_delay_probability", "mean_latency_ms", "jobs",
               "p50_job_duration_ms", "p95_job_duration_ms"]
    return ReportResult(columns, rows, summary)


def _inference_usage_per_lane(engine: Engine, job: ReportJob, progress: Progress, chunk_rows: int) -> ReportResult:
    granularity = job.params["granularity"]
    query = select(event_lanes.c.occurred_at, event_lanes.c.origin, event_lanes.c.destination,
                   event_lanes.c.predictions, event_lanes.c.mean_delay_probability).where(
        *_in_range(event_lanes, job))
    reader = ChunkedReader(engine, [query], progress, chunk_rows)
    sums = None
    keys = ["bucket", "origin", "destination"]
    for chunk in reader.chunks(query):
        chunk["bucket"] = bucket(chunk["occurred_at"], granularity)
        chunk["weighted"] = chunk["predictions"] * chunk["mean_delay_probability"]
        sums = _add(sums, chunk.groupby(keys)[["predictions", "weighted"]].sum())
    if sums is None:
        sums = pd.DataFrame(columns=["predictions", "weighted"], index=pd.MultiIndex.from_tuples([], names=keys))
    sums = sums.sort_index()
    rows = [{"period_start": period_label(moment, granularity), "origin": origin, "destination": destination,
             "predictions": int(values["predictions"]),
             "mean_delay_probability": _weighted_mean(values["weighted"], values["predictions"])}
            for (moment, origin, destination), values in sums.iterrows()]
    lanes = sums.groupby(level=["origin", "destination"]).sum()
    summary = {"predictions": int(sums["predictions"].sum()), "lanes": len(lanes),
               "mean_delay_probability": _weighted_mean(sums["weighted"].sum(), sums["predictions"].sum())}
    return ReportResult(["period_start", "origin", "destination", "predictions", "mean_delay_probability"],
                        rows, summary)


REPORTS: dict[str, Callable[[Engine, ReportJob, Progress, int], ReportResult]] = {
    "user-signups": user_signups,
    "inference-usage": inference_usage,
    "platform-activity": platform_activity,
}


def compute(engine: Engine, job: ReportJob, progress: Progress, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> ReportResult:
    progress(5)
    result = REPORTS[job.type](engine, job, progress, chunk_rows)
    progress(90)  # also when the range held no events (no chunk reported any)
    return result
