"""The spans of the event backbone, named and described as the Java kit names them (both kits follow this):

- `send <stream>` (PRODUCER) around each publish; the event carries its context in `traceparent`/`tracestate`;
- `process <stream>` (CONSUMER) around each delivery, a child of the event's context (a new root when the event
  carries none that W3C accepts); the handler, and dead-lettering, run inside it.

Attributes (OpenTelemetry's messaging conventions): `messaging.system=redis`, `messaging.destination.name=<stream>`,
`messaging.operation.type=send|process`, `messaging.message.id=<CloudEvent id>`,
`messaging.consumer.group.name=<group>` (consumer only), `cloudevents.event_type=<type>`.
"""

from __future__ import annotations

from typing import Literal

MESSAGING_SYSTEM = "messaging.system"
DESTINATION = "messaging.destination.name"
OPERATION = "messaging.operation.type"
MESSAGE_ID = "messaging.message.id"
CONSUMER_GROUP = "messaging.consumer.group.name"
EVENT_TYPE = "cloudevents.event_type"


def messaging_attributes(stream: str, operation: Literal["send", "process"], event_type: str | None = None,
                         group: str | None = None) -> dict[str, str]:
    attributes = {MESSAGING_SYSTEM: "redis", DESTINATION: stream, OPERATION: operation}
    if event_type is not None:
        attributes[EVENT_TYPE] = event_type
    if group is not None:
        attributes[CONSUMER_GROUP] = group
    return attributes
