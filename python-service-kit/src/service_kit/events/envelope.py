"""The event envelope: a CloudEvents 1.0 event in structured mode, JSON (the mapping: docs in `__init__`).

One event is one JSON object whose attributes sit beside `data` (the payload, snake_case). The model is
strict on purpose: the Java services parse the same text, and anything one side accepts and the other
rejects would surface as dead letters in production, so both sides follow the shared example vectors.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from service_kit.events.trace_context import TraceContext, outgoing_trace

JSON_CONTENT_TYPE = "application/json"
DATASCHEMA_BASE = "https://polyglot.dev/schemas/events/"
# Where a problem concerns the event as a whole rather than one attribute (JSONPath's root).
WHOLE_EVENT = "$"

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# RFC 3339 in UTC ("Z"), fractional seconds optional: what Java's Instant.toString() and ours write.
_RFC3339_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z")
_ABSOLUTE_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")


def format_time(moment: datetime) -> str:
    """RFC 3339 in UTC with "Z" and microseconds, as both languages' publishers write `time`
    (consumers measure latency from it)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def dataschema_of(event_type: str) -> str:
    """The `$id` of `event_type`'s payload schema in contracts/events/schemas."""
    return f"{DATASCHEMA_BASE}{event_type}.json"


class MalformedEvent(ValueError):
    """Text that is not a valid event; `problems` maps each offending attribute to what is wrong with it."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{attribute}: {problem}" for attribute, problem in self.problems.items()))


class CloudEvent(BaseModel):
    """An immutable event. Build new ones with `CloudEvent.create`, read received ones with `CloudEvent.parse`."""

    # The platform's profile of CloudEvents (contracts/events/cloudevent.schema.json), enforced exactly as the
    # Java side does: strict (a number is not a string), no attribute beyond the profile's, time, datacontenttype,
    # dataschema and traceparent always present, and an absent attribute is omitted, never null. What one side
    # accepted and the other rejected would surface as dead letters in production.
    model_config = ConfigDict(frozen=True, strict=True, extra="forbid")

    specversion: Literal["1.0"]
    id: str = Field(description="UUID, unique per event: the consumers' idempotency key")
    source: str = Field(pattern=r"^/[a-z0-9][a-z0-9-]*$", description='"/" + the name of the publishing service')
    type: str = Field(pattern=r"^[a-z0-9_-]+(\.[a-z0-9_-]+)+$", description='e.g. "user.registered"')
    subject: str | None = Field(default=None, min_length=1)
    time: str = Field(description="RFC 3339, UTC")
    datacontenttype: Literal["application/json"]
    dataschema: str = Field(description="the $id of the payload's schema in contracts/events/schemas")
    traceparent: str = Field(description="W3C trace context extension attribute")
    tracestate: str | None = None
    data: dict[str, Any]

    @field_validator("id")
    @classmethod
    def _id_is_uuid(cls, value: str) -> str:
        if not _UUID.fullmatch(value):
            raise ValueError("must be a UUID")
        return value

    @field_validator("time")
    @classmethod
    def _time_is_rfc3339_utc(cls, value: str) -> str:
        if not _RFC3339_UTC.fullmatch(value):
            raise ValueError('must be an RFC 3339 UTC timestamp such as "2026-11-24T17:41:00.123456Z"')
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("is not a date and time that exists") from None
        return value

    @field_validator("dataschema")
    @classmethod
    def _dataschema_is_absolute_uri(cls, value: str) -> str:
        if not _ABSOLUTE_URI.fullmatch(value):
            raise ValueError("must be an absolute URI")
        return value

    @field_validator("traceparent")
    @classmethod
    def _traceparent_is_w3c(cls, value: str | None) -> str | None:
        if value is not None:
            TraceContext.parse(value)  # its ValueError names the problem
        return value

    @classmethod
    def create(
        cls,
        *,
        source: str,
        type: str,
        data: Mapping[str, Any],
        subject: str | None = None,
        dataschema: str | None = None,
        trace: TraceContext | None = None,
    ) -> CloudEvent:
        """A new event with a fresh id, the current time, `trace` (default: the current trace, continued) and
        `dataschema` (default: the platform's schema id of `type`)."""
        return cls(
            specversion="1.0",
            id=str(uuid.uuid4()),
            source=source,
            type=type,
            subject=subject,
            time=format_time(datetime.now(UTC)),
            datacontenttype=JSON_CONTENT_TYPE,
            dataschema=dataschema or dataschema_of(type),
            traceparent=(trace or outgoing_trace()).traceparent,
            data=dict(data),
        )

    @classmethod
    def parse(cls, text: str | bytes) -> CloudEvent:
        """The event in `text` (structured-mode JSON); raises MalformedEvent naming each bad attribute."""
        try:
            document = orjson.loads(text)
        except orjson.JSONDecodeError as error:
            raise MalformedEvent({WHOLE_EVENT: f"not JSON ({error})"}) from None
        if not isinstance(document, dict):
            raise MalformedEvent({WHOLE_EVENT: "not a JSON object"})
        nulls = {name: "is null: an absent attribute is omitted, never null" for name, value in document.items()
                 if value is None}
        if nulls:
            raise MalformedEvent(nulls)
        try:
            return cls.model_validate(document)
        except ValidationError as error:
            raise MalformedEvent(_problems_by_attribute(error)) from None

    def to_json(self) -> str:
        """Compact JSON; attributes without a value are left out (CloudEvents: absent, never null)."""
        return orjson.dumps(self.model_dump(exclude_none=True)).decode()

    @property
    def trace(self) -> TraceContext:
        return TraceContext.parse(self.traceparent)

    @property
    def occurred_at(self) -> datetime:
        return datetime.fromisoformat(self.time)


def _problems_by_attribute(error: ValidationError) -> dict[str, str]:
    problems: dict[str, str] = {}
    for detail in error.errors(include_url=False):
        location = detail["loc"]
        attribute = str(location[0]) if location else WHOLE_EVENT
        # "Value error, must be a UUID" -> "must be a UUID": the prefix is pydantic's, not news to the reader.
        message = detail["msg"].removeprefix("Value error, ")
        problems.setdefault(attribute, message)
    return problems
