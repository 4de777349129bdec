"""The event store's writer: each platform.events CloudEvent becomes one `events` row (plus its lanes).

Every type of the contract is stored (`domain.ingest` handles them all); the typed columns the reports
aggregate are read from the payload models, per type. Idempotent on the event id (the primary key): the backbone already
skips ids it has handled, and this covers what it cannot, such as an event handled again after its
idempotency key expired or a replay.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from contract_types.events import (
    InferenceJobCompleted,
    InferenceJobFailed,
    InferenceJobProgress,
    InferenceJobRequested,
    InferenceUsage,
    NotificationBroadcast,
    ReportFailed,
    ReportProgress,
    ReportReady,
    ReportRequested,
    UserDeleted,
    UserRegistered,
    UserRoleChanged,
)
from pydantic import MISSING, BaseModel
from sqlalchemy import Engine, insert
from sqlalchemy.exc import IntegrityError

from reporting_bridge.store.database import naive_utc
from reporting_bridge.store.tables import event_lanes, events
from service_kit.events import TypedEvent

AGGREGATED_COLUMNS = ("user_id", "role", "operation", "job_id", "predictions", "latency_ms",
                      "mean_delay_probability", "duration_ms")


def aggregated_columns(data: BaseModel) -> dict[str, Any]:
    """The typed columns of one payload: every event about a user or owned by one names it `user_id` (report
    and job events: the owner); usage and finished jobs carry what the inference-usage report sums."""
    match data:
        case InferenceUsage():
            return {"user_id": str(data.user_id), "operation": data.operation.value,
                    "job_id": None if data.job_id is MISSING else str(data.job_id), "predictions": data.predictions,
                    "latency_ms": data.latency_ms, "mean_delay_probability": data.mean_delay_probability}
        case InferenceJobCompleted():
            return {"user_id": str(data.user_id), "job_id": str(data.job_id), "duration_ms": data.duration_ms}
        case InferenceJobRequested() | InferenceJobProgress() | InferenceJobFailed():
            return {"user_id": str(data.user_id), "job_id": str(data.job_id)}
        case UserRegistered():
            return {"user_id": str(data.user_id), "role": data.role.value}
        case UserRoleChanged() | UserDeleted() | ReportRequested() | ReportProgress() | ReportReady() | ReportFailed():
            return {"user_id": str(data.user_id)}
        case NotificationBroadcast():
            return {}
    raise TypeError(f"no columns known for {type(data).__qualname__}: add its event type here")


def event_row(event: TypedEvent[Any]) -> dict[str, Any]:
    return {
        "id": event.id,
        "type": event.type,
        "source": event.source,
        "occurred_at": naive_utc(event.occurred_at),
        "subject": event.subject,
        **dict.fromkeys(AGGREGATED_COLUMNS),
        **aggregated_columns(event.data),
        "data": event.envelope.data,  # the payload as it was published
        "ingested_at": naive_utc(datetime.now(UTC)),
    }


def lane_rows(event: TypedEvent[Any], row: dict[str, Any]) -> list[dict[str, Any]]:
    if not isinstance(event.data, InferenceUsage):
        return []
    return [
        {"event_id": event.id, "occurred_at": row["occurred_at"], "user_id": row["user_id"],
         "origin": lane.origin, "destination": lane.destination, "predictions": lane.predictions,
         "mean_delay_probability": lane.mean_delay_probability}
        for lane in event.data.lanes
    ]


def store_event(engine: Engine, event: TypedEvent[Any]) -> bool:
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
