"""The event store's writer: each platform.events CloudEvent becomes one `events` row (plus its lanes).

Idempotent on the event id (the primary key): the backbone already skips ids it has handled, and this covers
what it cannot, such as an event handled again after its idempotency key expired or a replay.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert
from sqlalchemy.exc import IntegrityError

from reporting_bridge.database import Database
from reporting_bridge.store import event_lanes, events
from service_kit.events import CloudEvent


def naive_utc(moment: datetime) -> datetime:
    """The database stores UTC without a zone (SQLite has none): every timestamp goes through here."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _number(data: dict[str, Any], name: str, kind: type) -> Any:
    value = data.get(name)
    return kind(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _text(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    return value if isinstance(value, str) else None


def event_row(event: CloudEvent) -> dict[str, Any]:
    data = event.data
    return {
        "id": event.id,
        "type": event.type,
        "source": event.source,
        "occurred_at": naive_utc(event.occurred_at),
        "subject": event.subject,
        # Every event about a user or owned by one names it user_id (report and job events: the owner).
        "user_id": _text(data, "user_id"),
        "role": _text(data, "role"),
        "operation": _text(data, "operation"),
        "job_id": _text(data, "job_id"),
        "predictions": _number(data, "predictions", int),
        "latency_ms": _number(data, "latency_ms", float),
        "mean_delay_probability": _number(data, "mean_delay_probability", float),
        "duration_ms": _number(data, "duration_ms", int),
        "data": data,
        "ingested_at": naive_utc(datetime.now(UTC)),
    }


def lane_rows(event: CloudEvent, row: dict[str, Any]) -> list[dict[str, Any]]:
    if event.type != "inference.usage" or row["user_id"] is None:
        return []
    return [
        {"event_id": event.id, "occurred_at": row["occurred_at"], "user_id": row["user_id"],
         "origin": lane["origin"], "destination": lane["destination"], "predictions": int(lane["predictions"]),
         "mean_delay_probability": float(lane["mean_delay_probability"])}
        for lane in event.data.get("lanes") or []
        if isinstance(lane, dict)
    ]


def store_event(engine: Engine, event: CloudEvent) -> bool:
    """Stores `event`; False when an event with its id is stored already (nothing is written then)."""
    row = event_row(event)
    lanes = lane_rows(event, row)
    try:
        with engine.begin() as connection:
            connection.execute(insert(events), row)
            if lanes:
                connection.execute(insert(event_lanes), lanes)
    except IntegrityError:
        return False
    return True


class EventIngestor:
    """The `reporting` group's handler on platform.events."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def __call__(self, event: CloudEvent) -> None:
        await asyncio.to_thread(store_event, self.database.engine, event)
