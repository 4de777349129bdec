"""`create_service_app`: a FastAPI app with everything a platform service needs before its own routes."""

from __future__ import annotations

import importlib.metadata
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import FastAPI

from service_kit import health
from service_kit.events import EventMetrics, EventPublisher, StreamRetention, Subscription, running_consumers
from service_kit.problems import PROBLEM_RESPONSES, UnhandledErrorMiddleware, install_problem_handlers
from service_kit.redis_client import create_redis_client
from service_kit.request_id import RequestIdMiddleware
from service_kit.routing import ImplicitHeadMiddleware
from service_kit.service_info import describe_this_process, service_info_router
from service_kit.settings import ServiceSettings
from service_kit.telemetry import HttpMetrics, RequestTelemetryMiddleware

logger = logging.getLogger(__name__)


def create_service_app(
    *,
    service_name: str,
    api_prefix: str,
    version: str | None = None,
    settings: ServiceSettings | None = None,
    consumers: Sequence[Subscription] = (),
) -> FastAPI:
    """The app of service `service_name`, serving its API under `api_prefix` (the gateway's route prefix).

    `version` defaults to that of the installed distribution named `service_name`; `settings` default to
    the environment's. Adds: GET /health, GET /metrics, GET {api_prefix}/service-info, RFC 9457 errors,
    X-Request-Id, request metrics and access log (the registry behind /metrics is `app.state.metrics_registry`,
    for the service's own metrics), the Redis client (`service_kit.get_redis`), the event
    publisher (`app.state.publisher`, source "/<service_name>") and, while the app runs, a consumer per
    `consumers` entry (named after the instance id), stopped gracefully on shutdown. Subscriptions added
    to `app.state.subscriptions` before startup run too.
    """
    settings = settings or ServiceSettings.from_env()
    version = version or importlib.metadata.version(service_name)
    metrics = HttpMetrics()
    event_metrics = EventMetrics(metrics.registry)  # served on /metrics with the HTTP metrics

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.redis = create_redis_client(settings.redis_url)
        app.state.publisher = EventPublisher(
            app.state.redis, source=f"/{service_name}", retention=StreamRetention.from_env(), metrics=event_metrics
        )
        stream_consumers = [
            subscription.consumer(app.state.redis, consumer_name=settings.instance_id, metrics=event_metrics)
            for subscription in app.state.subscriptions
        ]
        logger.info("%s %s started as instance %s", service_name, version, settings.instance_id)
        try:
            async with running_consumers(stream_consumers):
                yield
        finally:
            await app.state.redis.aclose()

    app = FastAPI(title=service_name, version=version, lifespan=lifespan, responses=PROBLEM_RESPONSES)
    app.state.settings = settings  # for handlers: request.app.state.settings
    # A service's own metrics (prediction latency, job outcomes) register here to be served on /metrics.
    app.state.metrics_registry = metrics.registry
    app.state.subscriptions = list(consumers)
    install_problem_handlers(app)

    # Each middleware added wraps the ones added before it; from the outside in, requests meet:
    # request id (so that everything inside logs it), telemetry (so that it records the final status, 500s
    # included), the catch-all that turns unhandled errors into a 500 problem, then HEAD served as GET.
    app.add_middleware(ImplicitHeadMiddleware)
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(RequestTelemetryMiddleware, metrics=metrics)
    app.add_middleware(RequestIdMiddleware)

    app.include_router(health.router)
    app.add_api_route("/metrics", metrics.endpoint, methods=["GET"], include_in_schema=False)
    info = describe_this_process(service=service_name, version=version, instance_id=settings.instance_id)
    app.include_router(service_info_router(info), prefix=api_prefix)
    return app
