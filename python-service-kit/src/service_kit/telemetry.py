"""Per-request telemetry: Prometheus metrics and the access log, which both need the route, status and duration."""

from __future__ import annotations

import logging
import time

from fastapi.routing import RouteContext, iter_route_contexts
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Labels must have a bounded set of values, or every scanner probing random URLs or inventing methods
# would create new time series: routes are templates ("/items/{item_id}"), never raw paths.
UNMATCHED_ROUTE = "<unmatched>"
OTHER_METHOD = "OTHER"
STANDARD_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# Polled every few seconds by probes and scrapers: logged at DEBUG so they do not drown the access log.
QUIET_ROUTES = frozenset({"/health", "/metrics"})

access_logger = logging.getLogger("service_kit.access")


class HttpMetrics:
    """In the app's own registry (`registry`, or a new one): apps created side by side (tests) do not clash over
    metric names."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        # `*_created` timestamp series double the output and no dashboard of ours reads them.
        disable_created_metrics()
        self.registry = registry or CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        labels = ("method", "route", "status")
        self.requests = Counter("http_requests", "HTTP requests served", labels, registry=self.registry)
        self.duration = Histogram(
            "http_request_duration_seconds",
            "Time from receiving an HTTP request to sending the end of its response",
            labels,
            registry=self.registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, status).inc()
        self.duration.labels(method, route, status).observe(seconds)

    async def endpoint(self) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


class RouteTemplates:
    """The full path template ("/api/reports/{report_id}") of the route that served a request.

    FastAPI leaves the matched route in scope["route"] for its API routes only, and since FastAPI 0.137 a
    route of an included router is there as its router declared it, its `path` lacking the prefix it was
    included under. FastAPI's `iter_route_contexts` knows each route's full template: API routes are
    looked up in it by identity; other routes (/docs, /openapi.json, mounts) by matching the request
    again, which costs more but serves little traffic.
    """

    def __init__(self) -> None:
        self._contexts: list[RouteContext] = []
        # id(route) -> (route, its contexts); the route is kept so that its id cannot be reused.
        self._by_route: dict[int, tuple[BaseRoute, list[RouteContext]]] = {}

    def template(self, served_scope: Scope, request_scope: Scope) -> str:
        """`served_scope`: the scope after the app served the request; `request_scope`: a copy from before."""
        route = served_scope.get("route")
        if route is None:
            return self._match(request_scope)
        if id(route) not in self._by_route:
            self._index(request_scope["app"].routes)  # a route added since the last look
            # A route FastAPI does not list (inside a mounted app) keeps its own path.
            self._by_route.setdefault(id(route), (route, []))
        contexts = self._by_route[id(route)][1]
        if len(contexts) > 1:  # one router included under several prefixes
            contexts = [context for context in contexts if context.matches(request_scope)[0] is not Match.NONE]
        template = contexts[0].path_format if contexts else getattr(route, "path", None)
        return template or UNMATCHED_ROUTE

    def _match(self, request_scope: Scope) -> str:
        if not self._contexts:
            self._index(request_scope["app"].routes)
        partial = None
        for context in self._contexts:
            match, _ = context.matches(request_scope)
            if match is Match.FULL:
                return context.path_format or UNMATCHED_ROUTE
            if match is Match.PARTIAL and partial is None:
                partial = context  # the path matched, the method did not: a 405
        return (partial and partial.path_format) or UNMATCHED_ROUTE

    def _index(self, routes: list[BaseRoute]) -> None:
        self._contexts = list(iter_route_contexts(routes))
        self._by_route.clear()
        for context in self._contexts:
            route = context.original_route
            self._by_route.setdefault(id(route), (route, []))[1].append(context)


class RequestTelemetryMiddleware:
    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics
        self.route_templates = RouteTemplates()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = time.perf_counter()
        request_scope = dict(scope)  # routing adds to the scope; matching again needs it as it came
        status = 500  # what the client gets if the app fails before answering

        async def send_recording_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_recording_status)
        finally:
            seconds = time.perf_counter() - started
            method = scope["method"] if scope["method"] in STANDARD_METHODS else OTHER_METHOD
            route = self.route_templates.template(scope, request_scope)
            self.metrics.observe(method, route, status, seconds)
            # The path, never the query string: it may carry tokens or tickets.
            access_logger.log(
                logging.DEBUG if route in QUIET_ROUTES else logging.INFO,
                "%s %s %d %.1f ms",
                scope["method"],
                scope["path"],
                status,
                seconds * 1000,
                extra={"method": scope["method"], "path": scope["path"], "route": route, "status": status,
                       "duration_ms": round(seconds * 1000, 3)},
            )
