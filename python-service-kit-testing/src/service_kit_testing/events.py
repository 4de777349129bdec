"""Events as the backbone's consumer hands them to a handler, with the times and ids a test chooses, and the
cleaning up of a test's stream."""

from __future__ import annotations

import uuid
from typing import Any

from contract_types.event_types import EVENT_TYPES

from service_kit.events import CloudEvent, TypedEvent
from service_kit.redis_client import RedisClient

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


async def delete_keys_of_stream(redis: RedisClient, stream: str) -> None:
    """Deletes the stream, its dead letters and the test's keys named after it, and its consumers' idempotency keys
    (`{<stream>}:...`); in a cluster, key by key, as they may live in different slots."""
    for pattern in (f"{stream}*", f"{{{stream}}}*"):
        async for key in redis.scan_iter(match=pattern):
            await redis.delete(key)
