"""An awaiter of the platform's backbone events, read through the service kit's own consumer with a group of its own.

`PlatformEvents.start()` creates a consumer group named `sandbox-<random>` at the current end (`$`) of each stream of
the contract (platform.events, inference.jobs, reporting.jobs) before it returns, so every event published after that
(after the fixture was set up, before the test acts) is seen; then `service_kit.events.StreamConsumer`s (the codec,
the typed payloads, the acknowledgement the platform's services use) read them on a thread of their own. The group is
the awaiter's only: the platform's consumers get every event as before. `close()` stops the consumers and destroys the
groups.

`wait_for(type, where=..., timeout=...)` returns the first event of that type matching `where` that no earlier
`wait_for` returned: a `service_kit.events.TypedEvent` (`.envelope` the CloudEvent, `.data` the contract's payload
model, `.id`, `.type`, `.subject`, `.occurred_at`).
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Callable, Coroutine, Iterable
from typing import Any, TypeVar

from contract_types.event_types import EVENT_TYPES
from contract_types.streams import Stream
from redis.exceptions import ResponseError

from service_kit.events import (
    ConsumerSettings,
    EventHandlers,
    EventMetrics,
    StreamConsumer,
    TypedEvent,
)
from service_kit.redis_client import RedisClient, create_redis_client
from service_kit.settings import RedisSettings

Result = TypeVar("Result")
Predicate = Callable[[TypedEvent[Any]], bool]

GROUP_PREFIX = "sandbox-"
# Quick to stop (a test's teardown waits for it) and reading often; a handler that only appends never fails.
AWAITER_CONSUMER_OPTIONS = {"block_ms": 500, "shutdown_timeout_ms": 2_000, "dedupe_window_ms": 10 * 60 * 1000}
SETUP_TIMEOUT_SECONDS = 10


class EventTimeout(AssertionError):
    """No matching event arrived in time; the message lists what did arrive."""


class PlatformEvents:
    def __init__(self, redis_url: str, streams: Iterable[str] = tuple(Stream), group: str | None = None) -> None:
        self.redis_url = redis_url
        self.streams = tuple(str(stream) for stream in streams)
        self.group = group or f"{GROUP_PREFIX}{uuid.uuid4().hex[:12]}"
        self.received: list[TypedEvent[Any]] = []  # in the order they arrived
        self._returned: set[str] = set()  # ids a wait_for returned already
        self._arrived = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=f"platform-events {self.group}",
                                        daemon=True)
        self._redis: RedisClient | None = None
        self._consumers: list[StreamConsumer] = []

    # -- lifecycle

    def start(self) -> PlatformEvents:
        """Returns once the group exists on every stream: from here on, no event is missed."""
        self._thread.start()
        try:
            self._run(self._start())
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        if self._thread.is_alive():
            try:
                self._run(self._stop())
            finally:
                self._loop.call_soon_threadsafe(self._loop.stop)
                self._thread.join(SETUP_TIMEOUT_SECONDS)
        if not self._loop.is_running():
            self._loop.close()

    def __enter__(self) -> PlatformEvents:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def _start(self) -> None:
        # The URL the sandbox describes, whatever REDIS_* variables this process holds.
        self._redis = create_redis_client(RedisSettings.given(url=self.redis_url))
        handlers = EventHandlers().on_every_type(self._on_event)
        metrics = EventMetrics()  # a registry of its own: nothing is exported from a test
        for stream in self.streams:
            try:  # at `$`, here and now; the consumer, finding it, starts reading from it
                await self._redis.xgroup_create(stream, self.group, id="$", mkstream=True)
            except ResponseError as error:
                if not str(error).startswith("BUSYGROUP"):
                    raise
            settings = ConsumerSettings(stream=stream, group=self.group, consumer="sandbox-awaiter",
                                        **AWAITER_CONSUMER_OPTIONS)
            consumer = StreamConsumer(self._redis, settings, handlers, metrics=metrics)
            await consumer.start()
            self._consumers.append(consumer)

    async def _stop(self) -> None:
        await asyncio.gather(*(consumer.stop() for consumer in self._consumers), return_exceptions=True)
        if self._redis is not None:
            for stream in self.streams:
                try:
                    await self._redis.xgroup_destroy(stream, self.group)
                except (ResponseError, ConnectionError, OSError):
                    pass  # the platform stopped first, or the stream is gone: nothing to clean
            await self._redis.aclose()

    async def _on_event(self, event: TypedEvent[Any]) -> None:
        with self._arrived:
            self.received.append(event)
            self._arrived.notify_all()

    def _run(self, coroutine: Coroutine[Any, Any, Result]) -> Result:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(SETUP_TIMEOUT_SECONDS)

    # -- waiting

    def wait_for(self, type: str, where: Predicate | None = None, timeout: float = 10) -> TypedEvent[Any]:
        """The first event of `type` for which `where` is true (any, without it) that no earlier wait_for returned,
        waiting at most `timeout` seconds; EventTimeout (an AssertionError) naming what arrived otherwise."""
        if type not in EVENT_TYPES:
            raise ValueError(f"{type!r} is no event type of the contract; types: {', '.join(sorted(EVENT_TYPES))}")
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                found = next(matching(self.received, type, where, self._returned), None)
                if found is not None:
                    self._returned.add(found.id)
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise EventTimeout(f"no {type} event{' matching the predicate' if where else ''} within "
                                       f"{timeout:g} s; received: {summary(self.received)}")
                self._arrived.wait(left)

    def all_of(self, type: str) -> list[TypedEvent[Any]]:
        """Every event of `type` received so far."""
        with self._arrived:
            return [event for event in self.received if event.type == type]


def matching(events: Iterable[TypedEvent[Any]], type: str, where: Predicate | None,
             returned: set[str]) -> Iterable[TypedEvent[Any]]:
    return (event for event in events
            if event.type == type and event.id not in returned and (where is None or where(event)))


def summary(events: list[TypedEvent[Any]]) -> str:
    """`3 x inference.job.progress, 1 x user.registered` (in order of first arrival), or `nothing`."""
    counts: dict[str, int] = {}
    for event in events:
        counts[event.type] = counts.get(event.type, 0) + 1
    return ", ".join(f"{count} x {type}" for type, count in counts.items()) or "nothing"
