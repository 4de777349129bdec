"""One engine per process, opened (and the schema migrated) when the app starts, disposed when it stops."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from sqlalchemy import Engine

from reporting_bridge.store import create_database_engine, database_url, migrate


class Database:
    def __init__(self, data_dir: Path, environ: Mapping[str, str] = os.environ) -> None:
        self.data_dir = data_dir
        self.environ = environ
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("the database is not open yet (it opens when the app starts)")
        return self._engine

    def open(self) -> Engine:
        if self._engine is None:
            engine = create_database_engine(database_url(self.data_dir, self.environ))
            migrate(engine)
            self._engine = engine
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def open_database_around_lifespan(app: FastAPI, database: Database) -> None:
    """Migrations run before the kit's lifespan starts the consumers (which write to the database)."""
    inner: Callable[[FastAPI], AbstractAsyncContextManager[None]] = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database.open()
        try:
            async with inner(app):
                yield
        finally:
            database.close()

    app.router.lifespan_context = lifespan
    app.state.database = database


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.database.engine
    return engine
