"""The service's own database: the platform's events (as the reports need them) and the report jobs.

SQLAlchemy 2 Core tables; the schema itself is made by the Alembic migrations in `migrations/`, run on start
(`migrate`). SQLite file under PLATFORM_DATA_DIR by default, PostgreSQL when REPORTING_DATABASE_URL is set.
The service (ingest, API) and the worker are separate processes sharing this database.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    text,
)
from sqlalchemy.exc import DBAPIError

DATABASE_URL_VARIABLE = "REPORTING_DATABASE_URL"
MIGRATIONS = Path(__file__).parent / "migrations"

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


def database_url(data_dir: Path, environ: Mapping[str, str] = os.environ) -> str:
    """REPORTING_DATABASE_URL (postgresql:// is served by psycopg 3), else a SQLite file in `data_dir`."""
    configured = environ.get(DATABASE_URL_VARIABLE, "").strip()
    if not configured:
        folder = data_dir / "reporting-bridge"
        folder.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(folder / 'reporting.db').resolve()}"
    for plain in ("postgresql://", "postgres://"):
        if configured.startswith(plain):
            return "postgresql+psycopg://" + configured.removeprefix(plain)
    return configured


def create_database_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        # Two processes (service and worker) write the file: WAL lets readers run beside the one writer,
        # and the busy timeout makes a writer wait for the other instead of failing.
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # One fsync per checkpoint instead of per commit (an event is one commit): ~50x the ingestion
            # rate. Still safe against a crashed process; a power cut may lose the last commits.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


# Any constant: the PostgreSQL advisory lock that serialises the migrations of processes starting together.
MIGRATION_LOCK_KEY = 7_007_007
MIGRATION_ATTEMPTS = 10


def migrate(engine: Engine) -> None:
    """Brings the schema to the newest migration (a no-op when it is there already).

    The service and its worker start together and both migrate: on PostgreSQL an advisory lock makes one
    wait for the other; on SQLite (no such lock, and DDL outside transactions) the one that loses the race
    fails on a table the other just made and tries again, then finds the schema at the newest revision.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    for attempt in range(1, MIGRATION_ATTEMPTS + 1):
        try:
            with engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
            return
        except DBAPIError:
            if attempt == MIGRATION_ATTEMPTS:
                raise
            time.sleep(0.2 * attempt)
