"""The service's tables: the platform's events (as the reports need them) and the report jobs.

SQLAlchemy 2 Core tables; the schema itself is made by the Alembic migrations in `migrations/`, run on start
(`store.database.migrate`). Timestamps are naive UTC (`store.database.naive_utc`).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)


metadata = MetaData()

# One row per platform event (id = CloudEvent id: the primary key makes ingestion idempotent), with the
# values the reports aggregate lifted into typed columns so that reports read no JSON.
events = Table(
    "events",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("type", String(100), nullable=False),
    Column("source", String(200), nullable=False),
    Column("occurred_at", DateTime, nullable=False),  # naive UTC
    Column("subject", String(200)),
    Column("user_id", String(36)),
    Column("role", String(20)),
    Column("operation", String(20)),
    Column("job_id", String(36)),
    Column("predictions", Integer),
    Column("latency_ms", Float),
    Column("mean_delay_probability", Float),
    Column("duration_ms", Integer),
    Column("data", JSON, nullable=False),
    Column("ingested_at", DateTime, nullable=False),
    Index("ix_events_type_occurred_at", "type", "occurred_at"),
    Index("ix_events_user_id_occurred_at", "user_id", "occurred_at"),
)

# inference.usage's lanes[], one row each: per-lane reports read these instead of unpacking JSON.
event_lanes = Table(
    "event_lanes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(36), ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    Column("occurred_at", DateTime, nullable=False),
    Column("user_id", String(36), nullable=False),
    Column("origin", String(2), nullable=False),
    Column("destination", String(2), nullable=False),
    Column("predictions", Integer, nullable=False),
    Column("mean_delay_probability", Float, nullable=False),
    Index("ix_event_lanes_occurred_at", "occurred_at"),
    Index("ix_event_lanes_user_id_occurred_at", "user_id", "occurred_at"),
)

reports = Table(
    "reports",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(36), nullable=False),
    Column("type", String(40), nullable=False),
    Column("params", JSON, nullable=False),
    # Whose data: the owner's for a scoped type requested by a non-admin, else NULL (everyone's).
    Column("scope_user_id", String(36)),
    Column("status", String(10), nullable=False),
    Column("progress", Integer, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("started_at", DateTime),
    Column("completed_at", DateTime),
    Column("row_count", Integer),
    Column("summary", JSON),
    Column("error_code", String(64)),
    Column("error_reason", Text),
    # The number of the latest computation started on the report: only that one may write its progress and its
    # outcome (store.reports.start).
    Column("attempt", Integer, nullable=False, server_default="0"),
    Index("ix_reports_owner_id_created_at", "owner_id", "created_at"),
)

# The computed table of a ready report, written in the same transaction that marks it ready: a report is
# either ready with its whole result or not ready at all. Files are rendered from it on download.
report_results = Table(
    "report_results",
    metadata,
    Column("report_id", String(36), ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("columns", JSON, nullable=False),
    Column("rows", JSON, nullable=False),
    Column("generated_at", DateTime, nullable=False),
)
