"""Tracing with the OpenTelemetry SDK: one tracer provider per app (and a process serves one app), spans exported
to Zipkin (v2 JSON) when TRACING_ZIPKIN_ENDPOINT names its span intake, the W3C trace context on events.

- HTTP server spans are FastAPI's own (`FastAPI(telemetry=...)`, given this provider): it continues an incoming
  `traceparent`, and every middleware of the kit runs inside the server span (the request's log lines carry it);
- the event backbone opens `send <stream>` (PRODUCER) and `process <stream>` (CONSUMER) spans and carries the
  context in the CloudEvent's `traceparent`/`tracestate` (`service_kit.events.envelope`), written and read by
  the W3C propagator: `EVENT_PROPAGATOR`;
- a service opens its own spans with `runtime.tracer` (the workers: a span per job and chunk, per report and stage).

Exporting never blocks or fails a request: spans wait in a bounded queue (`EXPORT_QUEUE_SIZE`) and a background
thread of the SDK's BatchSpanProcessor posts them. The SDK counts what it drops only through its own (OpenTelemetry)
metrics, which this platform does not run (its metrics are prometheus-client's), so `ExportingSpanProcessor` keeps
the same bound in front of the batch processor and counts in `tracing_spans_dropped_total{reason}`:
`queue_full` (a span that found the queue full) and `export_failed` (a batch Zipkin did not take). Sampling:
parent-based, with a TRACING_SAMPLING_PROBABILITY ratio for the traces that start here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.exporter.zipkin.json import ZipkinExporter
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from opentelemetry.trace import Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from prometheus_client import CollectorRegistry, Counter

logger = logging.getLogger(__name__)

TRACER_NAME = "service_kit"
# The trace context on events is W3C's, whatever OTEL_PROPAGATORS says for HTTP: the Java kit reads exactly that.
EVENT_PROPAGATOR = TraceContextTextMapPropagator()

# Spans waiting to be exported, at most: about 2 MB of memory; a Zipkin that is down for a while costs spans, not RAM.
EXPORT_QUEUE_SIZE = 2048
EXPORT_BATCH_SIZE = 512
EXPORT_DELAY_MS = 2000
# Seconds one POST to Zipkin may take (on the exporter's thread, never a request's).
EXPORT_TIMEOUT_SECONDS = 5

# Polled every few seconds by probes and scrapers: no spans for them (a trace UI full of health checks helps nobody).
UNTRACED_PATHS = frozenset({"/health", "/metrics"})


class SpanDropCounter:
    """`tracing_spans_dropped_total{reason}` in the app's registry (served on /metrics)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.counter = Counter("tracing_spans_dropped", "Finished spans that were not exported to the trace UI",
                               ["reason"], registry=registry)
        for reason in ("queue_full", "export_failed"):
            self.counter.labels(reason)  # present at 0 from the start: a rate() over it needs the series

    def dropped(self, reason: str, count: int = 1) -> None:
        self.counter.labels(reason).inc(count)


class _CountingExporter(SpanExporter):
    """Hands batches to `exporter`, releases their places in the queue bound, counts the batches that failed."""

    def __init__(self, exporter: SpanExporter, queued: _QueueBound, drops: SpanDropCounter) -> None:
        self.exporter = exporter
        self.queued = queued
        self.drops = drops

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        self.queued.release(len(spans))
        try:
            result = self.exporter.export(spans)
        except Exception as error:  # requests' ConnectionError and the like: Zipkin unreachable
            logger.warning("could not export %d spans: %s", len(spans), error)
            result = SpanExportResult.FAILURE
        if result is not SpanExportResult.SUCCESS:
            self.drops.dropped("export_failed", len(spans))
        return result

    def shutdown(self) -> None:
        self.exporter.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.exporter.force_flush(timeout_millis)


class _QueueBound:
    """How many spans are waiting in the batch processor's queue (taken on entry, released as batches leave)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.waiting = 0
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self.waiting >= self.capacity:
                return False
            self.waiting += 1
            return True

    def release(self, count: int) -> None:
        with self._lock:
            self.waiting = max(0, self.waiting - count)


class ExportingSpanProcessor(SpanProcessor):
    """The provider's export pipeline, opened and closed with the app's lifespan (`open`, `close`): a
    BatchSpanProcessor over `exporter`, behind a bound of the same size that counts the spans it refuses."""

    def __init__(self, drops: SpanDropCounter, queue_size: int = EXPORT_QUEUE_SIZE) -> None:
        self.drops = drops
        self.queue_size = queue_size
        self._batch: BatchSpanProcessor | None = None
        self._queued = _QueueBound(queue_size)

    def open(self, exporter: SpanExporter) -> None:
        if self._batch is not None:
            raise RuntimeError("the span export is open already")
        self._queued = _QueueBound(self.queue_size)
        self._batch = BatchSpanProcessor(
            _CountingExporter(exporter, self._queued, self.drops), max_queue_size=self.queue_size,
            max_export_batch_size=min(EXPORT_BATCH_SIZE, self.queue_size), schedule_delay_millis=EXPORT_DELAY_MS)

    def close(self) -> None:
        """Exports what is queued (within the exporter's timeout) and stops the export thread."""
        batch, self._batch = self._batch, None
        if batch is not None:
            batch.shutdown()

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        pass

    def on_end(self, span: ReadableSpan) -> None:
        batch = self._batch
        if batch is None or not (span.context and span.context.trace_flags.sampled):
            return
        if not self._queued.take():
            self.drops.dropped("queue_full")
            return
        batch.on_end(span)

    def shutdown(self) -> None:
        self.close()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        batch = self._batch
        return batch.force_flush(timeout_millis) if batch is not None else True


class Level1TraceFlags(RandomIdGenerator):
    """Random ids, without W3C level 2's random-trace-id flag (0x02) that the SDK would otherwise set on the traces
    it starts (`…-03`): Brave's traceparent parser, which the Java services read events and requests with, accepts
    only the flags 00 and 01 and would start a new trace instead (checked with brave-propagation-tracecontext 0.2.0)."""

    def is_trace_id_random(self) -> bool:
        return False


class Tracing:
    """The tracing of one app: its provider (service.name = `part_name`), its tracer, and the export to Zipkin that
    its lifespan opens (`open_export`) and closes (`close_export`) when `zipkin_endpoint` is set."""

    def __init__(self, part_name: str, *, sampling_probability: float, zipkin_endpoint: str,
                 registry: CollectorRegistry, span_processors: Sequence[SpanProcessor] = ()) -> None:
        self.part_name = part_name
        self.zipkin_endpoint = zipkin_endpoint
        self.provider = TracerProvider(
            resource=Resource.create({SERVICE_NAME: part_name}),
            sampler=ParentBased(TraceIdRatioBased(sampling_probability)),
            id_generator=Level1TraceFlags(),
            shutdown_on_exit=False,  # the lifespan closes the export; an atexit hook would do it a second time
        )
        self.drops = SpanDropCounter(registry)
        self.export = ExportingSpanProcessor(self.drops)
        self.provider.add_span_processor(self.export)
        for processor in span_processors:
            self.provider.add_span_processor(processor)
        self.tracer: Tracer = self.provider.get_tracer(TRACER_NAME)

    def open_export(self) -> None:
        if not self.zipkin_endpoint:
            logger.info("tracing: spans are created and propagated, not exported (TRACING_ZIPKIN_ENDPOINT is empty)")
            return
        self.export.open(ZipkinExporter(endpoint=self.zipkin_endpoint, timeout=EXPORT_TIMEOUT_SECONDS))
        logger.info("tracing: exporting spans of %s to %s", self.part_name, self.zipkin_endpoint)

    def close_export(self) -> None:
        self.export.close()

    def fastapi_config(self) -> dict[str, Any]:
        """`FastAPI(telemetry=...)`: server spans from this provider; no OpenTelemetry metrics or log records
        (Prometheus and the kit's log lines do that); no spans per dependency and serialization step (they would
        double a trace's size for what the server span's duration already tells)."""
        return {"tracer_provider": self.provider, "tracing": True, "metrics": False, "logs": False,
                "operation_spans": False, "auto_configure": False, "exclude": _untraced}


def _untraced(scope: MutableMapping[str, Any]) -> bool:
    return scope.get("path") in UNTRACED_PATHS


def current_ids() -> tuple[str, str] | None:
    """(trace id, span id) of the current span in W3C's lowercase hex, None outside a span."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return trace.format_trace_id(context.trace_id), trace.format_span_id(context.span_id)


def extract_context(carrier: Mapping[str, Any]) -> Context:
    """The trace context `carrier` holds (`traceparent`, `tracestate`); an empty context (a new root) when it holds
    none or a malformed one: a wrong trace context never fails what carries it."""
    text_carrier = {key: carrier[key] for key in ("traceparent", "tracestate") if isinstance(carrier.get(key), str)}
    return EVENT_PROPAGATOR.extract(text_carrier, context=Context())
