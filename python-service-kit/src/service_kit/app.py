"""`create_service_app`: a FastAPI app with everything a platform service needs before its own routes.

What lives as long as the app runs (the Redis client, the event publisher, the service's own resources such
as a database engine, the consumers) is opened by the app's lifespan and handed to requests through the
lifespan state (Starlette's `request.state`), where the FastAPI dependencies (`get_redis`, `get_publisher`,
`get_token_verifier` and the services' own) read it, and nothing outlives the app. A service adds its
own resources with the `lifespan` hook:

    @asynccontextmanager
    async def resources(runtime: ServiceRuntime) -> AsyncIterator[dict[str, Any]]:
        with opened_database(...) as engine:                    # before the consumers, which write to it
            async with runtime.consuming(Subscription(Stream.PLATFORM_EVENTS, ConsumerGroup.REPORTING, ...)):
                yield {"engine": engine}                        # request.state.engine, for the service's dependencies

    app = create_service_app(service_name="reporting-bridge", api_prefix="/api/reports", lifespan=resources)
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

from anyio.to_thread import run_sync
from fastapi import FastAPI
from opentelemetry.sdk.trace import SpanProcessor
from opentelemetry.trace import Tracer
from prometheus_client import CollectorRegistry

from service_kit import health
from service_kit.auth import AuthSettings, TokenVerifier
from service_kit.events import EventMetrics, EventPublisher, EventSettings, Subscription, running_consumers
from service_kit.problems import PROBLEM_RESPONSES, UnhandledErrorMiddleware, install_problem_handlers
from service_kit.redis_client import RedisClient, create_redis_client
from service_kit.request_id import RequestIdMiddleware
from service_kit.routing import ImplicitHeadMiddleware
from service_kit.service_info import describe_this_process, service_info_router
from service_kit.settings import ServiceSettings
from service_kit.telemetry import HttpMetrics, RequestTelemetryMiddleware
from service_kit.tracing import Tracing

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServiceRuntime:
    """What the kit has opened for a running app, handed to the service's lifespan hook."""

    settings: ServiceSettings
    events: EventSettings
    redis: RedisClient
    publisher: EventPublisher
    event_metrics: EventMetrics
    # The app's tracer (service_kit.tracing), for the service's own spans (a worker's job, chunk, report, stage).
    tracer: Tracer

    def consuming(self, *subscriptions: Subscription) -> AbstractAsyncContextManager[Any]:
        """Runs a consumer per subscription (named after the instance id) until the block ends, then stops them
        gracefully (each waits for its in-flight handler)."""
        return running_consumers([
            subscription.consumer(self.redis, self.events, consumer_name=self.settings.instance_id,
                                  metrics=self.event_metrics, tracer=self.tracer)
            for subscription in subscriptions
        ])


# A service's resources: opened after the kit's Redis client and publisher, closed before them; what it yields
# joins the lifespan state that requests see (request.state.<name>).
ServiceLifespan = Callable[[ServiceRuntime], AbstractAsyncContextManager[Mapping[str, Any] | None]]


def create_service_app(
    *,
    service_name: str,
    api_prefix: str,
    version: str | None = None,
    settings: ServiceSettings | None = None,
    lifespan: ServiceLifespan | None = None,
    metrics_registry: CollectorRegistry | None = None,
    part_name: str | None = None,
    span_processors: Sequence[SpanProcessor] = (),
) -> FastAPI:
    """The app of service `service_name`, serving its API under `api_prefix` (the gateway's route prefix).

    `version` defaults to that of the installed distribution named `service_name`; `settings` default to
    the environment's. Adds: GET /health, GET /metrics (the kit's metrics in `metrics_registry`, where the
    service registers its own, or a new registry), GET {api_prefix}/service-info, RFC 9457 errors,
    X-Request-Id, request metrics and access log, tracing (`service_kit.tracing`: FastAPI's server spans, the
    backbone's producer and consumer spans, service.name `part_name`, default `service_name`: a worker that
    publishes as its service names itself there) and a lifespan that opens the span export, the Redis client
    (`get_redis`), the event publisher (`get_publisher`, source "/<service_name>"; its `publish_later` sender runs
    as long as the app), the access-token verifier
    (`get_token_verifier`) and then the service's own `lifespan`, closing them in reverse order.
    `span_processors` see every span of the app besides the export (tests: an in-memory exporter).
    """
    settings = settings or ServiceSettings()
    events = EventSettings()
    version = version or importlib.metadata.version(service_name)
    metrics = HttpMetrics(metrics_registry)
    event_metrics = EventMetrics(metrics.registry)  # served on /metrics with the HTTP metrics
    tracing = Tracing(part_name or service_name, sampling_probability=settings.tracing_sampling_probability,
                      zipkin_endpoint=settings.tracing_zipkin_endpoint, registry=metrics.registry,
                      span_processors=span_processors)
    # One per app: its JWKS cache serves every request of the app.
    token_verifier = TokenVerifier(AuthSettings())

    @asynccontextmanager
    async def kit_lifespan(app: FastAPI) -> AsyncIterator[Mapping[str, Any]]:
        tracing.open_export()
        redis = create_redis_client(settings)
        publisher = EventPublisher(redis, source=f"/{service_name}", retention=events.stream_retention(),
                                   metrics=event_metrics, tracer=tracing.tracer)
        runtime = ServiceRuntime(settings=settings, events=events, redis=redis, publisher=publisher,
                                 event_metrics=event_metrics, tracer=tracing.tracer)
        logger.info("%s %s started as instance %s", service_name, version, settings.instance_id)
        try:
            # The sender of publisher.publish_later runs before the service's resources open (its consumers may
            # publish) and sends what is left after they closed, before the Redis client closes.
            async with (publisher.sending(),
                        lifespan(runtime) if lifespan else contextlib.nullcontext() as service_state):
                yield {"redis": redis, "publisher": publisher, "token_verifier": token_verifier,
                       **(service_state or {})}
        finally:
            await redis.aclose()
            # Sends what is queued (bounded by the exporter's timeout), off the event loop.
            await run_sync(tracing.close_export)

    # FastAPI's own OpenTelemetry (0.165+): the server span wraps everything, the kit's middleware included, and
    # continues an incoming traceparent. Not opentelemetry-instrumentation-fastapi on top: that would double it.
    app = FastAPI(title=service_name, version=version, lifespan=kit_lifespan, responses=PROBLEM_RESPONSES,
                  telemetry=tracing.fastapi_config())
    install_problem_handlers(app)

    # Each middleware added wraps the ones added before it; from the outside in, requests meet:
    # request id (so that everything inside logs it), telemetry (so that it records the final status, 500s
    # included), the catch-all that turns unhandled errors into a 500 problem (503 for a Redis outage), then HEAD
    # served as GET.
    app.add_middleware(ImplicitHeadMiddleware)
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(RequestTelemetryMiddleware, metrics=metrics)
    app.add_middleware(RequestIdMiddleware)

    app.include_router(health.router)
    app.add_api_route("/metrics", metrics.endpoint, methods=["GET"], include_in_schema=False)
    info = describe_this_process(service=service_name, version=version, instance_id=settings.instance_id)
    app.include_router(service_info_router(info), prefix=api_prefix)
    return app
