"""The reporting-bridge app: the report API, and the `reporting` group's ingestion of platform.events into the
event store (the reports are computed in `reporting_bridge.worker`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from contract_types.streams import ConsumerGroup, Stream
from fastapi import FastAPI
from opentelemetry.sdk.trace import SpanProcessor

from reporting_bridge import api
from reporting_bridge.domain.ingest import EventIngestor
from reporting_bridge.settings import API_PREFIX, SERVICE_NAME, ReportingSettings
from reporting_bridge.store.database import opened_database
from service_kit import ServiceRuntime, create_service_app
from service_kit.events import Subscription


def create_app(settings: ReportingSettings | None = None, *, span_processors: Sequence[SpanProcessor] = ()) -> FastAPI:
    """A new app with `settings` (default: the environment's). Tests make one each (`span_processors`: see
    `create_service_app`)."""
    settings = settings or ReportingSettings()

    @asynccontextmanager
    async def resources(runtime: ServiceRuntime) -> AsyncIterator[Mapping[str, Any]]:
        # The schema is migrated before the ingestion starts writing to it.
        with opened_database(settings.data_dir, settings.database_url) as engine:
            ingestion = Subscription(Stream.PLATFORM_EVENTS, ConsumerGroup.REPORTING, EventIngestor(engine).handlers())
            async with runtime.consuming(ingestion):
                yield {"engine": engine}  # what api.dependencies hands to the routes

    app = create_service_app(service_name=SERVICE_NAME, api_prefix=API_PREFIX, settings=settings, lifespan=resources,
                             span_processors=span_processors)
    app.include_router(api.router)
    return app
