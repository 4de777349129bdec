"""Typed event handlers: which handler gets which event type, with `data` parsed into its generated model.

    handlers = EventHandlers().on(USER_DELETED, cancel_jobs_of_user).on(REPORT_REQUESTED, compute_report)
    store = EventHandlers().on_every_type(store_event)       # an event store: every type of the contract

A handler receives a `TypedEvent`: the envelope (`contract_types.events.CloudEvent`) and `data`, an instance of
the event type's payload model (`contract_types.events`). The consumer asks `route` what to do with an event:
- a type with a handler: its payload is validated against the type's model, strictly (JSON types as the schema
  has them, no coercion of "50" to 50); a payload that breaks it makes
  the entry malformed (dead-lettered at once, like a malformed envelope: no delivery would ever succeed);
- a type without one: nothing to do; the entry is acknowledged and ignored, as the AsyncAPI document says of
  every consumer group (each group gets every entry of its stream and handles only its types).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import orjson
from contract_types.event_types import EVENT_TYPES, EventType
from opentelemetry.context import Context
from pydantic import BaseModel, ValidationError

from service_kit.events.envelope import (
    CloudEvent,
    MalformedEvent,
    occurred_at,
    problems_by_location,
    subject_of,
    trace_context_of,
)

Payload = TypeVar("Payload", bound=BaseModel)


@dataclass(frozen=True)
class TypedEvent(Generic[Payload]):
    """A received event: the envelope, and its `data` as the event type's payload model."""

    envelope: CloudEvent
    data: Payload

    @property
    def id(self) -> str:
        return self.envelope.id

    @property
    def type(self) -> str:
        return self.envelope.type

    @property
    def source(self) -> str:
        return self.envelope.source

    @property
    def subject(self) -> str | None:
        return subject_of(self.envelope)

    @property
    def occurred_at(self) -> datetime:
        return occurred_at(self.envelope)

    @property
    def trace_context(self) -> Context:
        """The trace context the event was published in (the consumer's `process` span is its child)."""
        return trace_context_of(self.envelope)


Handler = Callable[[TypedEvent[Any]], Awaitable[None]]
# What the consumer runs for one event: the handler, bound to the typed event.
Delivery = Callable[[], Awaitable[None]]


class EventHandlers:
    """The handlers of one consumer group, by event type; `on` and `on_every_type` return the instance to chain."""

    def __init__(self) -> None:
        self._by_type: dict[str, tuple[EventType[Any], Handler]] = {}
        self._every_type: Handler | None = None

    def on(self, event_type: EventType[Payload], handler: Callable[[TypedEvent[Payload]], Awaitable[None]]) -> EventHandlers:
        """`handler` gets every event of `event_type` (one of contract_types.event_types)."""
        if event_type.type in self._by_type:
            raise ValueError(f"{event_type.type} has a handler already")
        self._by_type[event_type.type] = (event_type, handler)
        return self

    def on_every_type(self, handler: Handler) -> EventHandlers:
        """`handler` gets the events of every type of the contract that has no handler of its own (`on`)."""
        if self._every_type is not None:
            raise ValueError("there is an every-type handler already")
        self._every_type = handler
        return self

    @property
    def handled_types(self) -> frozenset[str]:
        if self._every_type is not None:
            return frozenset(EVENT_TYPES)
        return frozenset(self._by_type)

    def route(self, envelope: CloudEvent) -> Delivery | None:
        """What to run for `envelope`: None when this group has no handler for its type; raises MalformedEvent
        when its `data` breaks the type's payload schema."""
        if envelope.type in self._by_type:
            event_type, handler = self._by_type[envelope.type]
        elif self._every_type is not None and envelope.type in EVENT_TYPES:
            event_type, handler = EVENT_TYPES[envelope.type], self._every_type
        else:
            return None
        try:
            # Strict, as JSON: "50" is not an integer (a shared vector says so), while a UUID or a date-time is
            # a string in JSON and parses from one; the lax Python-mode validation would coerce the first.
            data = event_type.payload.model_validate_json(orjson.dumps(envelope.data), strict=True)
        except ValidationError as error:
            raise MalformedEvent(problems_by_location(error, prefix="data")) from None
        typed = TypedEvent(envelope, data)
        return lambda: handler(typed)
