"""The event envelope: a CloudEvents 1.0 event in structured mode, JSON, as the generated
`contract_types.events.CloudEvent` describes it (the mapping onto a stream entry: docs in `__init__`).

The generated model is the envelope: it carries every rule of contracts/events/cloudevent.schema.json (the
platform's profile), which the Java kit enforces too. What one side accepted and the other rejected would
surface as dead letters in production, so both follow the shared example vectors in contracts/events/examples.
This module only adds what a model cannot hold: building a new event from a payload model, reading text into an
event with the reasons it is not one, and the derived values (the time as a datetime, the trace context as OpenTelemetry's `Context`).
docs/decisions/0003-python-cloudevents-sdk.md says why this is not the CloudEvents SDK's JSONFormat.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

from contract_types.event_types import EVENT_TYPE_OF_PAYLOAD, EventType
from contract_types.events import CloudEvent
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from pydantic import MISSING, BaseModel, ValidationError

from service_kit.tracing import EVENT_PROPAGATOR, extract_context

__all__ = ["CloudEvent", "MalformedEvent", "decode_event", "derived_event_id", "event_type_of", "format_time",
           "new_event", "occurred_at", "subject_of", "trace_context_of"]

SPECVERSION = "1.0"
JSON_CONTENT_TYPE = "application/json"
# Where a problem concerns the event as a whole rather than one attribute (JSONPath's root).
WHOLE_EVENT = "$"


def format_time(moment: datetime) -> str:
    """RFC 3339 in UTC with "Z" and microseconds, as both languages' publishers write `time`
    (consumers measure latency from it)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class MalformedEvent(ValueError):
    """Text that is not a valid event; `problems` maps each offending attribute to what is wrong with it."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{attribute}: {problem}" for attribute, problem in self.problems.items()))


def event_type_of(payload: BaseModel) -> EventType[BaseModel]:
    """The contract's event type whose `data` `payload` is (its type string, stream and dataschema)."""
    try:
        return EVENT_TYPE_OF_PAYLOAD[type(payload)]
    except KeyError:
        raise TypeError(f"{type(payload).__qualname__} is not an event payload model of contract_types.events") from None


# Namespace of derived event ids: uuid5(namespace, "<key>/<event type>").
DERIVED_EVENT_ID_NAMESPACE = uuid.UUID("5d0f3c52-8a1e-4b7c-9f0e-3a6d2c1b7e44")


def derived_event_id(key: str, payload: BaseModel) -> str:
    """The id of the one event of `payload`'s type that `key` (a job's id, a report's) ever has: publishing it again
    (a worker that died after storing an outcome, before or after announcing it, does so when the job comes back)
    gives the same id, which every consumer skips as a duplicate."""
    return str(uuid.uuid5(DERIVED_EVENT_ID_NAMESPACE, f"{key}/{event_type_of(payload).type}"))


def new_event(
    payload: BaseModel,
    *,
    source: str,
    subject: str | None = None,
    event_id: str | None = None,
    context: Context | None = None,
) -> CloudEvent:
    """A new event carrying `payload` (a generated payload model): its type and dataschema follow from the
    payload's class; a fresh id unless `event_id` is given (say, derived from a job id, so that a repeat after a
    crash is skipped as a duplicate), the current time, and the trace context of `context` (default: the current
    one; the publisher's `send <stream>` span) in `traceparent`/`tracestate`, written by the W3C propagator.
    Outside any span the event starts a trace of its own: the profile wants a `traceparent` on every event."""
    event_type = event_type_of(payload)
    carrier: dict[str, str] = {}
    EVENT_PROPAGATOR.inject(carrier, context)
    if "traceparent" not in carrier:
        EVENT_PROPAGATOR.inject(carrier, _new_trace())
    return CloudEvent(
        specversion=SPECVERSION,
        id=event_id or str(uuid.uuid4()),
        source=source,
        type=event_type.type,
        subject=MISSING if subject is None else subject,
        time=format_time(datetime.now(UTC)),
        datacontenttype=JSON_CONTENT_TYPE,
        dataschema=event_type.dataschema,
        traceparent=carrier["traceparent"],
        tracestate=carrier.get("tracestate") or MISSING,
        data=payload.model_dump(mode="json", by_alias=True),  # the contract's names: `from`, not `from_`
    )


def decode_event(text: str | bytes) -> CloudEvent:
    """The event in `text` (structured-mode JSON); raises MalformedEvent naming each bad attribute."""
    try:
        event = CloudEvent.model_validate_json(text)
    except ValidationError as error:
        raise MalformedEvent(problems_by_location(error)) from None
    try:
        occurred_at(event)
    except ValueError:  # the pattern admits 2026-02-30; Java's Instant.parse, like the schema's format, does not
        raise MalformedEvent({"time": f"{event.time!r} is not a date and time that exists"}) from None
    return event


def problems_by_location(error: ValidationError, prefix: str = "") -> dict[str, str]:
    """What pydantic found wrong, by dotted location (`data.lanes.0.origin`), one message per location."""
    problems: dict[str, str] = {}
    for detail in error.errors(include_url=False):
        location = ".".join(str(part) for part in detail["loc"])
        where = f"{prefix}.{location}" if prefix and location else (prefix or location or WHOLE_EVENT)
        if detail["input"] is None and detail["loc"]:
            message = "is null: what is absent is omitted, never null"
        else:
            # "Value error, must be a UUID" -> "must be a UUID": the prefix is pydantic's, not news to the reader.
            message = detail["msg"].removeprefix("Value error, ")
        problems.setdefault(where, message)
    return problems


def occurred_at(event: CloudEvent) -> datetime:
    """The event's `time` (UTC) as a datetime."""
    return datetime.fromisoformat(event.time)


def trace_context_of(event: CloudEvent) -> Context:
    """The trace context the event was published in (its `traceparent` and `tracestate`, read by the W3C
    propagator); an empty context, whose spans start a new trace, when it has none that W3C accepts."""
    return extract_context({"traceparent": getattr(event, "traceparent", None),
                            "tracestate": getattr(event, "tracestate", None)})


_IDS = RandomIdGenerator()


def _new_trace() -> Context:
    """A context naming a new trace (sampled, as a span with no parent is by default), for an event made
    outside any span."""
    span_context = trace.SpanContext(trace_id=_IDS.generate_trace_id(), span_id=_IDS.generate_span_id(),
                                     is_remote=False, trace_flags=trace.TraceFlags(trace.TraceFlags.SAMPLED))
    return trace.set_span_in_context(trace.NonRecordingSpan(span_context))


def subject_of(event: CloudEvent) -> str | None:
    """The event's `subject`, None when it has none."""
    return None if event.subject is MISSING else event.subject
