"""The report worker's app: the kit's service app, consuming reporting.jobs in group reporting-worker, with no
API routes (only /health and /metrics)."""

from __future__ import annotations

import importlib.metadata
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from contract_types.event_types import REPORT_REQUESTED
from contract_types.streams import ConsumerGroup, Stream
from fastapi import FastAPI
from opentelemetry.sdk.trace import SpanProcessor

from reporting_bridge.settings import SERVICE_NAME, WORKER_NAME, ReportingSettings
from reporting_bridge.store.database import opened_database
from reporting_bridge.worker.handlers import ReportWorker
from service_kit import ServiceRuntime, create_service_app
from service_kit.events import EventHandlers, Subscription


def create_worker_app(settings: ReportingSettings | None = None, *,
                      span_processors: Sequence[SpanProcessor] = ()) -> FastAPI:
    """A new worker app with `settings` (default: the environment's)."""
    settings = settings or ReportingSettings()

    @asynccontextmanager
    async def consuming_report_jobs(runtime: ServiceRuntime) -> AsyncIterator[None]:
        with opened_database(settings.data_dir, settings.database_url) as engine:
            worker = ReportWorker(engine, runtime.publisher, settings.chunk_rows, runtime.tracer)
            handlers = EventHandlers().on(REPORT_REQUESTED, worker)
            async with runtime.consuming(Subscription(Stream.REPORTING_JOBS, ConsumerGroup.REPORTING_WORKER, handlers)):
                yield

    # Its own name (source "/reporting-worker" on its events), the reporting-bridge distribution's version.
    return create_service_app(service_name=WORKER_NAME, api_prefix="/api/reporting-worker", settings=settings,
                              version=importlib.metadata.version(SERVICE_NAME), lifespan=consuming_report_jobs,
                              span_processors=span_processors)
