"""One trace across Java, Python and both Redis Streams hops, read back from the platform's trace UI (Zipkin).

A client sends its own W3C `traceparent`; whatever the platform does for that request, in every process and after
every queue, must be spans of that one trace, each consumer's span a child of the producer's span that published the
event (not a new root per message, and not a mere link)."""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest

from e2e.conftest import E2E_PASSWORD, job_events, open_feed

CSV = (
    "origin,destination,distance_km,weight_kg,mode,carrier,pickup_at\n"
    "WA,OR,280,900,ltl,estes,2026-11-24T09:00:00-08:00\n"
    "TX,IL,1500,12000,ftl,werner,2026-11-24T07:30:00-06:00\n"
    "CA,NV,700,3000,intermodal,other,2026-11-25T10:00:00-08:00\n"
)


@dataclass(frozen=True)
class ClientSpan:
    """The span a client's own tracer would have open when it sends the request: the trace's root."""

    trace_id: str = ""
    span_id: str = ""

    @classmethod
    def new(cls) -> ClientSpan:
        return cls(secrets.token_hex(16), secrets.token_hex(8))

    @property
    def traceparent(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-01"


@dataclass(frozen=True)
class Span:
    """A span as Zipkin's v2 API returns it."""

    id: str
    parent_id: str | None
    service: str
    kind: str | None
    name: str
    tags: dict[str, str]

    @classmethod
    def of(cls, raw: dict) -> Span:
        return cls(raw["id"], raw.get("parentId"), raw["localEndpoint"]["serviceName"], raw.get("kind"),
                   raw.get("name", ""), raw.get("tags", {}))

    def __str__(self) -> str:
        return f"{self.service}: {self.kind or 'LOCAL'} {self.name} ({self.id} <- {self.parent_id})"


def trace(zipkin: httpx.Client, trace_id: str, complete: Callable[[list[Span]], bool], seconds: float = 60) -> list[Span]:
    """The trace's spans once `complete` holds: spans reach the UI in batches, from each process on its own
    schedule, so the test waits for what it expects rather than for a fixed time."""
    spans: list[Span] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = zipkin.get(f"/api/v2/trace/{trace_id}")
        if answer.status_code == 200:
            spans = [Span.of(raw) for raw in answer.json()]
            if complete(spans):
                return spans
        time.sleep(1)
    listing = "\n".join(sorted(map(str, spans))) or "(no span at all)"
    pytest.fail(f"trace {trace_id} is incomplete after {seconds:.0f} s; the UI has:\n{listing}")


def hop(spans: list[Span], stream: str, producer: str, consumer: str) -> tuple[Span, Span] | None:
    """A `send <stream>` span of `producer` and a `process <stream>` span of `consumer` that is its child."""
    sent = {s.id: s for s in spans if s.service == producer and s.kind == "PRODUCER" and s.name == f"send {stream}"}
    for span in spans:
        if (span.service == consumer and span.kind == "CONSUMER" and span.name == f"process {stream}"
                and span.parent_id in sent):
            return sent[span.parent_id], span
    return None


def services(spans: list[Span]) -> set[str]:
    return {span.service for span in spans}


def test_a_csv_job_is_one_trace_from_the_client_to_the_websocket_frame(gateway_url, new_account, zipkin):
    owner, client = new_account("user"), ClientSpan.new()
    with open_feed(gateway_url, owner) as feed:
        answer = httpx.post(f"{gateway_url}/api/inference/v1/jobs", timeout=30,
                            headers={**owner.headers, "traceparent": client.traceparent},
                            files={"file": ("shipments.csv", CSV, "text/csv")})
        assert answer.status_code == 202, answer.text
        job_id = answer.json()["id"]

        frames: list[dict] = []
        deadline = time.monotonic() + 60
        while not any(f["event_type"] == "inference.job.completed" and f["data"]["job_id"] == job_id for f in frames):
            assert time.monotonic() < deadline, f"no inference.job.completed frame for the job: {frames}"
            frames += job_events(feed, 1.0)

    def complete(spans: list[Span]) -> bool:
        return (hop(spans, "inference.jobs", "inference-bridge", "inference-worker") is not None
                and hop(spans, "platform.events", "inference-worker", "notification-service") is not None
                and any(span.name.startswith("deliver ") for span in spans))

    spans = trace(zipkin, client.trace_id, complete)
    assert {"gateway", "inference-bridge", "inference-worker", "notification-service"} <= services(spans)

    # The gateway continued the client's span instead of starting a trace of its own.
    edge = [s for s in spans if s.service == "gateway" and s.kind == "SERVER"]
    assert [s.parent_id for s in edge] == [client.span_id], "\n".join(map(str, spans))

    # Both stream hops are parent/child, and the job's consumer span is where the worker's work hangs.
    _, job_consumed = hop(spans, "inference.jobs", "inference-bridge", "inference-worker")
    assert job_consumed.tags.get("messaging.system") == "redis"
    assert job_consumed.tags.get("messaging.destination.name") == "inference.jobs"
    below_job = {s.parent_id for s in spans if s.service == "inference-worker"}
    assert job_consumed.id in below_job, "the worker's job spans are not children of its consumer span"
    # The frame the owner's WebSocket got: notification-service handed it to that connection, under the event's trace
    # (one deliver span per notification and instance, its connections counted by kind).
    deliveries = [s for s in spans if s.service == "notification-service" and s.name.startswith("deliver ")]
    assert any(int(s.tags.get("notification.connections.websocket", "0")) >= 1 for s in deliveries), deliveries
    assert not [s for s in spans if "error" in s.tags], "\n".join(map(str, spans))


def test_a_sign_up_is_one_trace_through_the_outbox_to_the_event_store(gateway_url, zipkin):
    client = ClientSpan.new()
    answer = httpx.post(f"{gateway_url}/api/auth/register", timeout=30, headers={"traceparent": client.traceparent},
                        json={"email": f"e2e-{uuid.uuid4().hex[:12]}@example.com", "name": "Traced Sign-up",
                              "password": E2E_PASSWORD})
    assert answer.status_code == 201, answer.text

    spans = trace(zipkin, client.trace_id,
                  lambda spans: hop(spans, "platform.events", "auth-service", "reporting-bridge") is not None)
    assert {"gateway", "auth-service", "reporting-bridge"} <= services(spans)
    _, stored = hop(spans, "platform.events", "auth-service", "reporting-bridge")
    assert stored.tags.get("cloudevents.event_type") == "user.registered"
    assert "error" not in stored.tags
