"""Tracing (service_kit.tracing): the backbone's producer and consumer spans against the real Redis of REDIS_URL,
the HTTP server spans of FastAPI's telemetry, trace ids in log lines, the export to a Zipkin intake (a local HTTP
server standing in for Zipkin) and the counting of the spans that could not be exported."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson
import pytest
from contract_types.events import UserDeleted, UserRegistered
from fastapi import FastAPI
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.trace import SpanKind, StatusCode, format_span_id, format_trace_id, get_current_span
from prometheus_client import CollectorRegistry
from redis.asyncio import Redis

from service_kit import ServiceSettings
from service_kit.events import (CloudEvent, ConsumerSettings, EventHandlers, EventPublisher, StreamConsumer, TypedEvent,
                                new_event, trace_context_of)
from service_kit.logs import JsonFormatter, RequestIdFilter, TextFormatter
from service_kit.tracing import ExportingSpanProcessor, SpanDropCounter, Tracing
from service_kit_testing.checks import sample_broadcast
from service_kit_testing.spans import (
    CALLER_SPAN_ID,
    CALLER_TRACE_ID,
    CALLER_TRACEPARENT,
    RecordedSpans,
    parent_span_id_of,
    recording_provider,
    span_id_of,
    trace_id_of,
)
from service_kit_testing.waiting import wait_until_async

USER = "3f2c1d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f"


def registered() -> UserRegistered:
    return UserRegistered(user_id=USER, email="ada@example.com", name="Ada Lovelace", role="user",
                          registered_at="2026-11-24T17:41:00Z")


def deleted() -> UserDeleted:
    return UserDeleted(user_id=USER, deleted_by=USER, deleted_at="2026-11-24T17:43:00Z")


def carried(event: CloudEvent) -> tuple[str, str, bool]:
    """The trace id, parent span id and sampled flag of the event's traceparent (version 00). The flags may have
    W3C level 2's random-trace-id bit (0x02) too when a provider other than the kit's made them."""
    version, trace_id, span_id, flags = event.traceparent.split("-")
    assert version == "00"
    return trace_id, span_id, bool(int(flags, 16) & 0x01)


# -- the event backbone ---------------------------------------------------------------------------------

def settings_of(stream: str, **overrides: Any) -> ConsumerSettings:
    values: dict[str, Any] = {"consumer": "c1", "block_ms": 100, "reclaim_interval_ms": 50, "min_idle_ms": 200,
                              "backoff_initial_ms": 20, "backoff_max_ms": 200, "shutdown_timeout_ms": 5000}
    return ConsumerSettings(stream=stream, group="traced", **{**values, **overrides})


class Handled:
    """A handler recording each event with the span it ran in; `inside` runs in it (say, a publish)."""

    def __init__(self, inside: Callable[[TypedEvent[Any]], Any] | None = None, fail: bool = False) -> None:
        self.events: list[TypedEvent[Any]] = []
        self.inside = inside
        self.fail = fail

    async def __call__(self, event: TypedEvent[Any]) -> None:
        self.events.append(event)
        if self.inside is not None:
            await self.inside(event)
        if self.fail:
            raise RuntimeError("boom")


pytestmark = pytest.mark.anyio


@contextmanager
def captured_logs(name: str) -> Iterator[list[logging.LogRecord]]:
    """The INFO+ records of logger `name` inside the block, stamped as the platform's handler stamps them."""
    records: list[logging.LogRecord] = []
    capture = logging.Handler()
    capture.emit = records.append  # type: ignore[method-assign]
    capture.addFilter(RequestIdFilter())
    logger = logging.getLogger(name)
    previous = logger.level
    logger.addHandler(capture)
    logger.setLevel(logging.INFO)
    try:
        yield records
    finally:
        logger.removeHandler(capture)
        logger.setLevel(previous)


async def test_a_published_event_is_consumed_in_a_child_span_of_its_producer_span(redis: Redis, stream: str):
    provider, spans = recording_provider()
    tracer = provider.get_tracer("test")
    publisher = EventPublisher(redis, source="/test-service", tracer=tracer)
    published_inside: list[CloudEvent] = []

    async def publish_follow_up(event: TypedEvent[Any]) -> None:
        if event.type == "user.registered":
            published_inside.append(await publisher.publish(deleted(), stream=stream))

    handled = Handled(publish_follow_up)
    async with StreamConsumer(redis, settings_of(stream), EventHandlers().on_every_type(handled), tracer=tracer):
        with tracer.start_as_current_span("request"):
            first = await publisher.publish(registered(), stream=stream)
        await wait_until_async(lambda: len(spans.named(f"process {stream}")) == 2, message="both events handled")

    send_first, send_second = sorted(spans.named(f"send {stream}"), key=lambda span: span.start_time or 0)
    process_first, process_second = sorted(spans.named(f"process {stream}"), key=lambda span: span.start_time or 0)
    trace_id = trace_id_of(send_first)
    # The producer span: a child of the request, its context on the event, written by the propagator.
    assert send_first.kind is SpanKind.PRODUCER
    assert parent_span_id_of(send_first) == span_id_of(spans.one("request"))
    assert carried(first) == (trace_id, span_id_of(send_first), True)
    assert dict(send_first.attributes or {}) == {
        "messaging.system": "redis", "messaging.destination.name": stream, "messaging.operation.type": "send",
        "messaging.message.id": first.id, "cloudevents.event_type": "user.registered"}
    # The consumer span: a child of the producer span, in the same trace.
    assert process_first.kind is SpanKind.CONSUMER
    assert parent_span_id_of(process_first) == span_id_of(send_first) and trace_id_of(process_first) == trace_id
    assert dict(process_first.attributes or {}) == {
        "messaging.system": "redis", "messaging.destination.name": stream, "messaging.operation.type": "process",
        "messaging.consumer.group.name": "traced", "messaging.message.id": first.id,
        "cloudevents.event_type": "user.registered"}
    # What the handler published is a child of the consumer span, and so on down the trace.
    assert parent_span_id_of(send_second) == span_id_of(process_first)
    assert carried(published_inside[0]) == (trace_id, span_id_of(send_second), True)
    assert parent_span_id_of(process_second) == span_id_of(send_second) and trace_id_of(process_second) == trace_id
    # The handler sees the context it was published in.
    carried_context = get_current_span(handled.events[0].trace_context).get_span_context()
    assert (format_trace_id(carried_context.trace_id), format_span_id(carried_context.span_id)) == (
        trace_id, span_id_of(send_first))


async def test_an_event_published_outside_any_span_starts_a_trace(redis: Redis, stream: str):
    provider, spans = recording_provider()
    publisher = EventPublisher(redis, source="/test-service", tracer=provider.get_tracer("test"))
    event = await publisher.publish(registered(), stream=stream)
    send = spans.one(f"send {stream}")
    assert send.parent is None
    assert carried(event) == (trace_id_of(send), span_id_of(send), True)


async def test_the_kits_traces_carry_the_flags_the_java_services_read(redis: Redis, stream: str):
    """`…-01`, not the SDK's `…-03` (W3C level 2's random-trace-id bit): Brave's parser refuses it."""
    tracing = Tracing("demo-service", sampling_probability=1.0, zipkin_endpoint="", registry=CollectorRegistry())
    event = await EventPublisher(redis, source="/t", tracer=tracing.tracer).publish(registered(), stream=stream)
    assert event.traceparent.endswith("-01")
    assert new_event(registered(), source="/t").traceparent.endswith("-01")


def test_an_event_made_outside_any_span_still_carries_a_new_trace_context():
    first, second = new_event(sample_broadcast(), source="/a"), new_event(sample_broadcast(), source="/a")
    assert first.traceparent.startswith("00-") and carried(first)[2]
    assert carried(first)[0] != carried(second)[0]


async def test_a_malformed_tracestate_is_dropped_and_the_trace_continued(redis: Redis, stream: str):
    provider, spans = recording_provider()
    handled = Handled()
    event = new_event(registered(), source="/elsewhere")
    text = orjson.dumps({**orjson.loads(event.model_dump_json()), "tracestate": "not a=valid,,,=member"}).decode()
    async with StreamConsumer(redis, settings_of(stream), EventHandlers().on_every_type(handled),
                              tracer=provider.get_tracer("test")):
        await redis.xadd(stream, {"cloudevent": text})
        await wait_until_async(lambda: len(handled.events) == 1, message="the event handled")
    process = spans.one(f"process {stream}")
    _, trace_id, span_id, _ = event.traceparent.split("-")
    assert (trace_id_of(process), parent_span_id_of(process)) == (trace_id, span_id)
    assert process.context is not None and len(process.context.trace_state) == 0


@pytest.mark.parametrize("traceparent", [None, "00-abc", "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                                         "00-00000000000000000000000000000000-b7ad6b7169203331-01"])
async def test_an_entry_without_a_readable_traceparent_is_handled_in_a_new_trace(
        redis: Redis, stream: str, traceparent: str | None):
    """W3C Trace Context's rule for a receiver, which the contract (cloudevent.schema.json's traceparent) adopts, as
    the Java kit does: trace context never makes an event invalid. Its consumer span is a new root, the handler
    gets it, nothing is dead-lettered."""
    provider, spans = recording_provider()
    handled = Handled()
    document = orjson.loads(new_event(registered(), source="/elsewhere").model_dump_json())
    if traceparent is None:
        del document["traceparent"]
    else:
        document["traceparent"] = traceparent
    async with StreamConsumer(redis, settings_of(stream), EventHandlers().on_every_type(handled),
                              tracer=provider.get_tracer("test")):
        await redis.xadd(stream, {"cloudevent": orjson.dumps(document).decode()})
        await wait_until_async(lambda: len(handled.events) == 1, message="the event handled")
    assert await redis.xlen(f"{stream}.dlq") == 0
    process = spans.one(f"process {stream}")
    assert process.parent is None
    assert [event.id for event in handled.events] == [document["id"]]
    assert get_current_span(handled.events[0].trace_context).get_span_context().is_valid is False


@pytest.mark.parametrize("traceparent", [None, "garbage", "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01"])
def test_a_missing_or_malformed_traceparent_gives_an_empty_context_whose_spans_are_roots(traceparent: str | None):
    fields = {"specversion": "1.0", "id": "0d9bd1a4-5a4e-4a8e-9a55-2f1f3f1f6b0e", "source": "/a", "type": "user.deleted"}
    event = CloudEvent.model_construct(**fields, **({} if traceparent is None else {"traceparent": traceparent}))
    provider, spans = recording_provider()
    with provider.get_tracer("test").start_as_current_span("next", context=trace_context_of(event)):
        pass
    assert spans.one("next").parent is None


async def test_a_failing_handler_and_its_dead_letter_are_inside_the_consumer_span(redis: Redis, stream: str):
    provider, spans = recording_provider()
    tracer = provider.get_tracer("test")
    with captured_logs("service_kit.events.consumer") as records:
        async with StreamConsumer(redis, settings_of(stream, max_deliveries=1),
                                  EventHandlers().on_every_type(Handled(fail=True)), tracer=tracer):
            event = await EventPublisher(redis, source="/t", tracer=tracer).publish(registered(), stream=stream)
            await wait_until_async(lambda: redis.xlen(f"{stream}.dlq"), message="a dead letter")
            await wait_until_async(lambda: spans.named(f"process {stream}"), message="the consumer span ended")
    process = spans.one(f"process {stream}")
    assert parent_span_id_of(process) == span_id_of(spans.one(f"send {stream}"))
    assert process.status.status_code is StatusCode.ERROR
    assert [e.name for e in process.events] == ["exception"]
    moved = [record for record in records if "moved entry" in record.getMessage()]
    assert [(r.trace_id, r.span_id) for r in moved] == [(event.traceparent.split("-")[1], span_id_of(process))]


# -- HTTP ----------------------------------------------------------------------------------------------

def test_a_request_continues_the_incoming_traceparent(make_demo_app: Callable[..., FastAPI]):
    spans = RecordedSpans()
    app = make_demo_app(ServiceSettings(INSTANCE_ID="demo-1"), span_processors=[spans.processor])
    response = TestClient(app).get("/api/demo/items/7", headers={"traceparent": CALLER_TRACEPARENT})
    assert response.status_code == 200
    server = spans.one("GET /api/demo/items/{item_id}")
    assert server.kind is SpanKind.SERVER
    assert (trace_id_of(server), parent_span_id_of(server)) == (CALLER_TRACE_ID, CALLER_SPAN_ID)
    assert server.resource.attributes["service.name"] == "demo-service"
    assert len(spans.all) == 1  # one server span: FastAPI's, not an instrumentation's on top


@pytest.mark.parametrize("headers", [{}, {"traceparent": "00-not-a-trace-01"},
                                     {"traceparent": "00-00000000000000000000000000000000-b7ad6b7169203331-01"}])
def test_a_request_without_a_valid_traceparent_starts_a_trace(make_demo_app: Callable[..., FastAPI],
                                                              headers: dict[str, str]):
    spans = RecordedSpans()
    app = make_demo_app(ServiceSettings(INSTANCE_ID="demo-1"), span_processors=[spans.processor])
    assert TestClient(app).get("/api/demo/items/7", headers=headers).status_code == 200
    server = spans.one("GET /api/demo/items/{item_id}")
    assert server.parent is None and trace_id_of(server) != CALLER_TRACE_ID


def test_probes_and_scrapes_make_no_spans(make_demo_app: Callable[..., FastAPI]):
    spans = RecordedSpans()
    app = make_demo_app(ServiceSettings(INSTANCE_ID="demo-1"), span_processors=[spans.processor])
    client = TestClient(app)
    client.get("/metrics")
    client.get("/api/demo/items/7")
    assert [span.name for span in spans.all] == ["GET /api/demo/items/{item_id}"]


def test_sampling_keeps_the_callers_decision_and_samples_new_traces_by_ratio(make_demo_app: Callable[..., FastAPI]):
    spans = RecordedSpans()
    app = make_demo_app(ServiceSettings(INSTANCE_ID="demo-1", TRACING_SAMPLING_PROBABILITY=0.0),
                        span_processors=[spans.processor])
    client = TestClient(app)
    client.get("/api/demo/items/1")  # a new trace: ratio 0, not recorded
    client.get("/api/demo/items/2", headers={"traceparent": CALLER_TRACEPARENT})  # sampled by the caller
    assert [trace_id_of(span) for span in spans.all] == [CALLER_TRACE_ID]


# -- logs ----------------------------------------------------------------------------------------------

def test_log_lines_carry_the_trace_id_and_span_id_of_the_current_span(make_demo_app: Callable[..., FastAPI]):
    spans = RecordedSpans()
    app = make_demo_app(ServiceSettings(INSTANCE_ID="demo-1"), span_processors=[spans.processor])
    with captured_logs("service_kit.access") as records:
        TestClient(app).get("/api/demo/items/7", headers={"traceparent": CALLER_TRACEPARENT})
    [record] = records
    server = spans.one("GET /api/demo/items/{item_id}")
    assert (record.trace_id, record.span_id) == (CALLER_TRACE_ID, span_id_of(server))  # type: ignore[attr-defined]
    line = json.loads(JsonFormatter().format(record))
    assert (line["trace_id"], line["span_id"]) == (CALLER_TRACE_ID, span_id_of(server))
    assert f"trace={CALLER_TRACE_ID} span={span_id_of(server)}" in TextFormatter().format(record)


def test_a_log_line_outside_any_span_has_no_trace_fields():
    record = logging.makeLogRecord({"msg": "idle"})
    RequestIdFilter().filter(record)
    assert not hasattr(record, "trace_id") and not hasattr(record, "span_id")
    assert "trace_id" not in json.loads(JsonFormatter().format(record))


# -- export ----------------------------------------------------------------------------------------------

class ZipkinStandIn:
    """Records the bodies POSTed to /api/v2/spans; answers 202 as Zipkin does (`status` to say otherwise)."""

    def __init__(self) -> None:
        self.batches: list[list[dict[str, Any]]] = []
        self.status = 202
        stand_in = self

        class Intake(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.path == "/api/v2/spans":
                    stand_in.batches.append(json.loads(body))
                self.send_response(stand_in.status if self.path == "/api/v2/spans" else 404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Intake)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/v2/spans"

    @property
    def spans(self) -> list[dict[str, Any]]:
        return [span for batch in self.batches for span in batch]


@pytest.fixture
def zipkin() -> Iterator[ZipkinStandIn]:
    stand_in = ZipkinStandIn()
    thread = threading.Thread(target=stand_in.server.serve_forever, daemon=True)
    thread.start()
    yield stand_in
    stand_in.server.shutdown()
    stand_in.server.server_close()


def test_spans_reach_the_zipkin_intake_as_zipkin_v2_json(make_demo_app: Callable[..., FastAPI], redis_url: str,
                                                          zipkin: ZipkinStandIn):
    app = make_demo_app(ServiceSettings(INSTANCE_ID="demo-1", REDIS_URL=redis_url,
                                        TRACING_ZIPKIN_ENDPOINT=zipkin.url))
    with TestClient(app) as client:
        client.get("/api/demo/items/7", headers={"traceparent": CALLER_TRACEPARENT})
    # The lifespan's end sent what was queued.
    [span] = zipkin.spans
    assert (span["traceId"], span["parentId"], span["kind"]) == (CALLER_TRACE_ID, CALLER_SPAN_ID, "SERVER")
    assert span["name"] == "GET /api/demo/items/{item_id}" and span["localEndpoint"]["serviceName"] == "demo-service"


def test_without_an_endpoint_nothing_is_exported(make_demo_app: Callable[..., FastAPI], redis_url: str,
                                                 zipkin: ZipkinStandIn, monkeypatch: pytest.MonkeyPatch):
    # Where the SDK's Zipkin exporter would send without an endpoint of its own: it must not be made at all.
    monkeypatch.setenv("OTEL_EXPORTER_ZIPKIN_ENDPOINT", zipkin.url)
    app = make_demo_app(ServiceSettings(INSTANCE_ID="demo-1", REDIS_URL=redis_url))
    with TestClient(app) as client:
        client.get("/api/demo/items/7")
    assert zipkin.batches == []
    # Nor tried elsewhere (a failed export counts).
    assert 'tracing_spans_dropped_total{reason="export_failed"} 0.0' in TestClient(app).get("/metrics").text


class SlowExporter(SpanExporter):
    """Holds each batch until released; answers `result`."""

    def __init__(self, result: SpanExportResult = SpanExportResult.SUCCESS) -> None:
        self.release = threading.Event()
        self.result = result
        self.exported: list[ReadableSpan] = []

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        self.release.wait(10)
        self.exported.extend(spans)
        return self.result


def dropped(registry: CollectorRegistry, reason: str) -> float:
    return registry.get_sample_value("tracing_spans_dropped_total", {"reason": reason}) or 0.0


def test_spans_beyond_the_queue_are_dropped_and_counted_without_waiting():
    registry = CollectorRegistry()
    export = ExportingSpanProcessor(SpanDropCounter(registry), queue_size=3)
    exporter = SlowExporter()
    export.open(exporter)
    provider, _ = recording_provider()
    provider.add_span_processor(export)
    tracer = provider.get_tracer("test")
    started = time.perf_counter()
    for number in range(10):
        with tracer.start_as_current_span(f"span {number}"):
            pass
    assert time.perf_counter() - started < 1  # the exporter holds everything: ending spans does not wait for it
    assert dropped(registry, "queue_full") == 7
    exporter.release.set()
    export.close()
    assert len(exporter.exported) == 3 and dropped(registry, "export_failed") == 0


def test_spans_zipkin_refuses_are_counted(zipkin: ZipkinStandIn):
    zipkin.status = 500
    registry = CollectorRegistry()
    tracing = Tracing("demo-service", sampling_probability=1.0, zipkin_endpoint=zipkin.url, registry=registry)
    tracing.open_export()
    for number in range(4):
        with tracing.tracer.start_as_current_span(f"span {number}"):
            pass
    tracing.close_export()
    assert len(zipkin.spans) == 4 and dropped(registry, "export_failed") == 4


def test_spans_an_unreachable_zipkin_never_gets_are_counted():
    registry = CollectorRegistry()
    tracing = Tracing("demo-service", sampling_probability=1.0, zipkin_endpoint="http://127.0.0.1:9/api/v2/spans",
                      registry=registry)
    tracing.open_export()
    with tracing.tracer.start_as_current_span("lost"):
        pass
    tracing.close_export()
    assert dropped(registry, "export_failed") == 1


def test_the_drop_counter_is_on_metrics(make_demo_app: Callable[..., FastAPI]):
    metrics = TestClient(make_demo_app(ServiceSettings(INSTANCE_ID="demo-1"))).get("/metrics").text
    assert 'tracing_spans_dropped_total{reason="queue_full"} 0.0' in metrics
    assert 'tracing_spans_dropped_total{reason="export_failed"} 0.0' in metrics


def test_a_recorded_span_set_is_what_the_provider_finished():
    """RecordedSpans itself: what the trace checks above rely on."""
    provider, spans = recording_provider("x")
    with provider.get_tracer("t").start_as_current_span("a"), provider.get_tracer("t").start_as_current_span("b"):
        pass
    assert [span.name for span in spans.all] == ["b", "a"]
    assert parent_span_id_of(spans.one("b")) == span_id_of(spans.one("a"))
