"""The event store's intake: reporting-bridge's consumer group `reporting` on platform.events stores every
event of every type (`store.events`), from which the reports are computed."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import Engine

from reporting_bridge.store.events import store_event
from service_kit.events import EventHandlers, TypedEvent


class EventIngestor:
    """The `reporting` group's handler on platform.events: every event type is stored."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def __call__(self, event: TypedEvent[Any]) -> None:
        await asyncio.to_thread(store_event, self.engine, event)

    def handlers(self) -> EventHandlers:
        return EventHandlers().on_every_type(self)
