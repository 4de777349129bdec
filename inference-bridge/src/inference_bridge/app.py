"""The inference-bridge app: the sync predictions, the model card and job submission (the jobs run in
`inference_bridge.worker`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import threadpoolctl
from fastapi import FastAPI
from opentelemetry.sdk.trace import SpanProcessor
from prometheus_client import CollectorRegistry

from inference_bridge import api
from inference_bridge.domain.metrics import InferenceMetrics
from inference_bridge.domain.model import EtaModel, load_model
from inference_bridge.settings import API_PREFIX, SERVICE_NAME, InferenceSettings
from inference_bridge.store.jobs import JobStore
from service_kit import ServiceRuntime, create_service_app


def limit_native_threads() -> None:
    """One OpenMP thread per process: requests are served one model call at a time per worker, a thread pool
    per call only costs start-up time for small inputs, and the machine's cores are shared with other parts."""
    threadpoolctl.threadpool_limits(limits=1)


def create_app(settings: InferenceSettings | None = None, model: EtaModel | None = None, *,
               span_processors: Sequence[SpanProcessor] = ()) -> FastAPI:
    """A new app with `settings` (default: the environment's) serving `model` (default: the one in the model
    folder; raises ModelUnavailable, naming the training command, when there is none). Tests make one each
    (`span_processors`: see `create_service_app`)."""
    settings = settings or InferenceSettings()
    model = model or load_model(settings.model_dir)
    limit_native_threads()
    registry = CollectorRegistry()
    metrics = InferenceMetrics(registry, model)

    @asynccontextmanager
    async def resources(runtime: ServiceRuntime) -> AsyncIterator[Mapping[str, Any]]:
        # What api.dependencies hands to the routes; the store registers its scripts once, here.
        yield {"model": model, "metrics": metrics, "job_store": JobStore(runtime.redis, settings.job_ttl_seconds)}

    app = create_service_app(service_name=SERVICE_NAME, api_prefix=API_PREFIX, settings=settings,
                             span_processors=span_processors,
                             lifespan=resources, metrics_registry=registry)
    app.include_router(api.router)
    return app
