"""Spans as the tests see them: the SDK's InMemorySpanExporter behind a SimpleSpanProcessor (each span exported as it
ends), handed to an app factory (`create_service_app(..., span_processors=[spans.processor])`, and the services'
factories likewise) or to a provider of the test's own, with the look-ups the trace checks need."""

from __future__ import annotations

from dataclasses import dataclass, field

from opentelemetry import trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

# W3C's example: a caller's span (say, the gateway's) that a service must continue.
CALLER_TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
CALLER_SPAN_ID = "b7ad6b7169203331"
CALLER_TRACEPARENT = f"00-{CALLER_TRACE_ID}-{CALLER_SPAN_ID}-01"


@dataclass
class RecordedSpans:
    """Every span a provider finished since `record_spans` (exported synchronously, as it ends)."""

    exporter: InMemorySpanExporter = field(default_factory=InMemorySpanExporter)

    @property
    def processor(self) -> SimpleSpanProcessor:
        """What to hand to an app factory (`span_processors=[...]`); one per app (each exports into this record)."""
        return SimpleSpanProcessor(self.exporter)

    @property
    def all(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def named(self, name: str) -> list[ReadableSpan]:
        return [span for span in self.all if span.name == name]

    def one(self, name: str) -> ReadableSpan:
        spans = self.named(name)
        assert len(spans) == 1, f"{len(spans)} spans named {name!r} among {[s.name for s in self.all]}"
        return spans[0]

    def of_trace(self, trace_id: str) -> list[ReadableSpan]:
        return [span for span in self.all if trace_id_of(span) == trace_id]


def record_spans(provider: TracerProvider) -> RecordedSpans:
    """Records the spans `provider` ends from now on."""
    recorded = RecordedSpans()
    provider.add_span_processor(recorded.processor)
    return recorded


def recording_provider(service_name: str = "test-service") -> tuple[TracerProvider, RecordedSpans]:
    """A provider of the test's own (sampling everything) and what it records."""
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service_name}), shutdown_on_exit=False)
    return provider, record_spans(provider)


def trace_id_of(span: ReadableSpan) -> str:
    assert span.context is not None
    return trace.format_trace_id(span.context.trace_id)


def span_id_of(span: ReadableSpan) -> str:
    assert span.context is not None
    return trace.format_span_id(span.context.span_id)


def parent_span_id_of(span: ReadableSpan) -> str | None:
    return trace.format_span_id(span.parent.span_id) if span.parent is not None else None
