"""Events as the backbone's consumer hands them to a handler, with the times and ids a test chooses."""

from __future__ import annotations

import uuid
from typing import Any

from contract_types.event_types import EVENT_TYPES

from service_kit.events import CloudEvent, TypedEvent

TEST_TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def typed_event(type: str, data: dict[str, Any], at: str, *, event_id: str | None = None) -> TypedEvent[Any]:
    """An event of `type` at `at` (RFC 3339 UTC); `data` must be a valid payload of the type (it is parsed into
    the type's generated model, as the consumer does)."""
    event_type = EVENT_TYPES[type]
    payload = event_type.payload.model_validate(data)
    envelope = CloudEvent(specversion="1.0", id=event_id or str(uuid.uuid4()), source="/tests", type=type, time=at,
                          datacontenttype="application/json", dataschema=event_type.dataschema,
                          traceparent=TEST_TRACEPARENT, data=payload.model_dump(mode="json", by_alias=True))
    return TypedEvent(envelope, payload)
