"""Events put straight into reporting-bridge's event store, for its tests and its benchmark
(benchmarks/reporting_reports.py): a handful chosen by a test (`store_events`), or many like a busy platform's
(`synthetic_events`, `load_events`). Test data only: production events come through platform.events.

Importable by name because pytest's `pythonpath` (the root pyproject.toml) and the benchmark list this folder.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, insert

from reporting_bridge.store.events import store_event
from reporting_bridge.store.tables import event_lanes, events
from service_kit.events import TypedEvent


def store_events(engine: Engine, *typed_events: TypedEvent[Any]) -> None:
    for one in typed_events:
        store_event(engine, one)


EVENT_MIX = (("inference.usage", 0.6), ("inference.job.completed", 0.1), ("user.registered", 0.1),
             ("report.progress", 0.2))
STATES = ("TX", "CA", "NY", "NJ", "FL", "IL", "WA", "OR", "GA", "OH")
ROLES = ("user", "user", "user", "viewer", "admin")


def synthetic_events(count: int, *, start: datetime, days: int, users: list[str], seed: int = 7) -> pd.DataFrame:
    """`count` platform events spread evenly over `days` from `start` (a mix like a busy platform's), as
    rows of the `events` table (plus one lane per usage event): what the benchmark and the slow tests load."""
    rng = np.random.default_rng(seed)
    types = rng.choice([t for t, _ in EVENT_MIX], size=count, p=[p for _, p in EVENT_MIX])
    offsets = np.sort(rng.integers(0, days * 86_400, size=count))
    frame = pd.DataFrame({
        "id": [str(uuid.UUID(int=int(x), version=4)) for x in rng.integers(0, 2**62, size=count)],
        "type": types,
        "source": "/benchmark",
        "occurred_at": pd.Timestamp(start) + pd.to_timedelta(offsets, unit="s"),
        "user_id": rng.choice(users, size=count),
        "ingested_at": pd.Timestamp(start),
    })
    is_usage = frame["type"] == "inference.usage"
    frame["predictions"] = np.where(is_usage, rng.integers(1, 50, size=count), None)
    frame["latency_ms"] = np.where(is_usage, rng.uniform(1, 40, size=count).round(2), None)
    frame["mean_delay_probability"] = np.where(is_usage, rng.uniform(0, 1, size=count).round(4), None)
    frame["duration_ms"] = np.where(frame["type"] == "inference.job.completed", rng.integers(50, 5000, size=count), None)
    frame["role"] = np.where(frame["type"] == "user.registered", rng.choice(ROLES, size=count), None)
    frame["origin"] = np.where(is_usage, rng.choice(STATES, size=count), None)
    frame["destination"] = np.where(is_usage, rng.choice(STATES, size=count), None)
    return frame


def load_events(engine: Engine, frame: pd.DataFrame, batch_rows: int = 20_000) -> None:
    """Bulk-inserts synthetic_events' rows (events and their lanes), bypassing the stream: test data only."""
    for first in range(0, len(frame), batch_rows):
        part = frame.iloc[first:first + batch_rows]
        rows = part.drop(columns=["origin", "destination"]).astype(object).where(part.notna(), None)
        rows = rows.to_dict("records")
        for row in rows:
            row["occurred_at"] = row["occurred_at"].to_pydatetime()
            row["ingested_at"] = row["ingested_at"].to_pydatetime()
            row["data"] = {}
        usage = part[part["type"] == "inference.usage"]
        lanes = [{"event_id": r.id, "occurred_at": r.occurred_at.to_pydatetime(), "user_id": r.user_id,
                  "origin": r.origin, "destination": r.destination, "predictions": int(r.predictions),
                  "mean_delay_probability": float(r.mean_delay_probability)} for r in usage.itertuples()]
        with engine.begin() as connection:
            connection.execute(insert(events), rows)
            if lanes:
                connection.execute(insert(event_lanes), lanes)
