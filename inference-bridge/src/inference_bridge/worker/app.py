"""The worker process's app: the kit's service app, consuming inference.jobs in group inference-worker, with no
API routes (only /health and /metrics)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from contract_types.event_types import INFERENCE_JOB_REQUESTED
from contract_types.streams import ConsumerGroup, Stream
from fastapi import FastAPI
from opentelemetry.sdk.trace import SpanProcessor
from prometheus_client import CollectorRegistry

from inference_bridge.domain.metrics import InferenceMetrics
from inference_bridge.domain.model import EtaModel, load_model
from inference_bridge.settings import API_PREFIX, SERVICE_NAME, WORKER_NAME, InferenceSettings
from inference_bridge.store.jobs import JobStore
from inference_bridge.worker.handlers import JobRunner
from service_kit import ServiceRuntime, create_service_app
from service_kit.events import EventHandlers, Subscription


def create_worker_app(settings: InferenceSettings | None = None, model: EtaModel | None = None, *,
                      span_processors: Sequence[SpanProcessor] = ()) -> FastAPI:
    """A new worker app with `settings` (default: the environment's) running `model` (default: the one in the
    model folder). It publishes as the service (source "/inference-bridge"): the jobs are the service's; its spans
    are the worker's (service.name inference-worker)."""
    settings = settings or InferenceSettings()
    model = model or load_model(settings.model_dir)
    registry = CollectorRegistry()
    metrics = InferenceMetrics(registry, model)

    @asynccontextmanager
    async def consuming_jobs(runtime: ServiceRuntime) -> AsyncIterator[None]:
        runner = JobRunner(JobStore(runtime.redis, settings.job_ttl_seconds), runtime.publisher, model, metrics,
                           settings, runtime.tracer)
        handlers = EventHandlers().on(INFERENCE_JOB_REQUESTED, runner.handle)
        async with runtime.consuming(Subscription(Stream.INFERENCE_JOBS, ConsumerGroup.INFERENCE_WORKER, handlers)):
            yield

    return create_service_app(service_name=SERVICE_NAME, api_prefix=API_PREFIX, settings=settings,
                              lifespan=consuming_jobs, metrics_registry=registry, part_name=WORKER_NAME,
                              span_processors=span_processors)
