"""The service's database: its URL, engine and migrations, and one engine per process, opened (the schema
migrated) when the app starts and disposed when it stops.

A SQLite file under PLATFORM_DATA_DIR by default, PostgreSQL when REPORTING_DATABASE_URL is set. The service
(ingest, API) and the worker are separate processes sharing this database.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError

MIGRATIONS = Path(__file__).parent / "migrations"


def naive_utc(moment: datetime) -> datetime:
    """The database stores UTC without a zone (SQLite has none): every timestamp goes through here."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def database_url(data_dir: Path, configured: str | None = None) -> str:
    """The SQLAlchemy URL of `configured` (REPORTING_DATABASE_URL; postgresql:// is served by psycopg 3), else of
    a SQLite file in `data_dir`."""
    configured = (configured or "").strip()
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


@contextmanager
def opened_database(data_dir: Path, configured: str | None) -> Iterator[Engine]:
    """The process's engine, its schema migrated before anything (the consumers included) writes to it."""
    engine = create_database_engine(database_url(data_dir, configured))
    try:
        migrate(engine)
        yield engine
    finally:
        engine.dispose()
