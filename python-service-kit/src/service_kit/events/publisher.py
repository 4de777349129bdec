"""`EventPublisher`: CloudEvents onto Redis Streams, one entry per event: `XADD <stream> MAXLEN ~ <retention> *
cloudevent <JSON>`.

Two ways to publish: `publish` awaits the XADD (what must not be lost: a job's outcome, a report's), and
`publish_later` queues the event in memory and returns at once; one sender task per publisher, run while
`sending()` is entered (the app's lifespan: `service_kit.app`), writes what is queued in one pipelined round trip
(docs/decisions/0029-queued-usage-events.md: what a crash loses, and why that is acceptable for metering).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

from contract_types.event_types import EVENT_TYPES
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Tracer
from pydantic import BaseModel
from redis.backoff import ExponentialBackoff

from service_kit.events.envelope import CloudEvent, event_type_of, new_event
from service_kit.events.metrics import EventMetrics, default_event_metrics
from service_kit.events.settings import StreamRetention
from service_kit.events.spans import MESSAGE_ID, messaging_attributes
from service_kit.redis_client import RedisClient
from service_kit.tracing import TRACER_NAME

logger = logging.getLogger(__name__)

# The one field of a stream entry; its value is the event's structured-mode JSON text.
EVENT_FIELD = "cloudevent"

QUEUE_CAPACITY = 10_000
# One round trip carries at most this many XADDs: a long outage's backlog goes out in pieces of bounded size.
MAX_EVENTS_PER_ROUND_TRIP = 1_000
RETRY_INITIAL_SECONDS = 0.05
RETRY_MAX_SECONDS = 2.0
FLUSH_DEADLINE_SECONDS = 5.0
DROP_LOG_INTERVAL_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class _Queued:
    event: CloudEvent
    stream: str


class EventPublisher:
    """Publishes the events of one service (`source` = "/" + its name), each inside a `send <stream>` span of
    `tracer` (the app's: `ServiceRuntime.tracer`; default: the global provider's, a no-op unless one is set).
    `queue_capacity`, `retry_*_seconds` and `flush_deadline_seconds` bound `publish_later`'s queue, its sender's
    backoff while Redis fails, and how long leaving `sending()` may take to send what is still queued."""

    def __init__(
        self,
        redis: RedisClient,
        *,
        source: str,
        retention: StreamRetention | None = None,
        metrics: EventMetrics | None = None,
        tracer: Tracer | None = None,
        queue_capacity: int = QUEUE_CAPACITY,
        retry_initial_seconds: float = RETRY_INITIAL_SECONDS,
        retry_max_seconds: float = RETRY_MAX_SECONDS,
        flush_deadline_seconds: float = FLUSH_DEADLINE_SECONDS,
    ) -> None:
        self.redis = redis
        self.source = source
        self.retention = retention or StreamRetention()
        self.metrics = metrics or default_event_metrics()
        self.tracer = tracer or trace.get_tracer(TRACER_NAME)
        self.queue_capacity = queue_capacity
        self.retry_initial_seconds = retry_initial_seconds
        self.retry_max_seconds = retry_max_seconds
        self.flush_deadline_seconds = flush_deadline_seconds
        # The events stay queued until Redis has taken them: the queue's length bounds everything held in memory.
        self._queue: deque[_Queued] = deque()
        self._queued: asyncio.Event | None = None
        self._sender: asyncio.Task[None] | None = None
        self._closing = False
        self._last_drop_logged = -DROP_LOG_INTERVAL_SECONDS
        self._dropped_unlogged = 0

    async def publish(
        self,
        payload: BaseModel,
        *,
        subject: str | None = None,
        event_id: str | None = None,
        stream: str | None = None,
    ) -> CloudEvent:
        """Publishes a new event carrying `payload`, a generated payload model (contract_types.events), and
        returns it (its `id` included). The type, dataschema and stream are the contract's for that model
        (contract_types.event_types); `stream` redirects it, for tools and tests that must not write to the
        platform's streams. `event_id` replaces the fresh id (see `new_event`).

        Inside a PRODUCER span `send <stream>`, a child of the current span (a request's, a consumer's `process`
        span, a worker's job span) or a new root; the event carries that span's context (`traceparent`), so the
        consumer's `process <stream>` span is its child.
        """
        with self._new_event(payload, subject=subject, event_id=event_id, stream=stream) as (event, target):
            await self.publish_event(event, stream=target)
        return event

    def publish_later(
        self,
        payload: BaseModel,
        *,
        subject: str | None = None,
        event_id: str | None = None,
        stream: str | None = None,
    ) -> CloudEvent:
        """As `publish`, but queues the event and returns at once, without waiting for Redis: the sender of
        `sending()` writes it soon after, in order, retrying while Redis fails. When the queue holds
        `queue_capacity` events the new one is dropped (counted in `events_dropped_total{reason="queue_full"}`,
        logged). What is queued when the process dies is lost: only for events whose loss costs little (usage
        metering), never a job's outcome. The `send <stream>` span covers building and queueing the event, whose
        `traceparent` names it as for `publish`. Raises RuntimeError outside `sending()`."""
        if self._sender is None:
            raise RuntimeError("publish_later needs a running sender: enter `publisher.sending()` first")
        with self._new_event(payload, subject=subject, event_id=event_id, stream=stream) as (event, target):
            if len(self._queue) >= self.queue_capacity:
                self._drop([_Queued(event, target)], reason="queue_full")
            else:
                self._queue.append(_Queued(event, target))
                assert self._queued is not None  # made with the sender
                self._queued.set()
        return event

    @contextmanager
    def _new_event(self, payload: BaseModel, *, subject: str | None, event_id: str | None,
                   stream: str | None) -> Iterator[tuple[CloudEvent, str]]:
        """The new event and its stream, inside its `send <stream>` span (which the event's `traceparent` names)."""
        event_type = event_type_of(payload)
        stream = stream or event_type.stream
        with self.tracer.start_as_current_span(
            f"send {stream}", kind=SpanKind.PRODUCER, attributes=messaging_attributes(stream, "send", event_type.type)
        ) as span:
            event = new_event(payload, source=self.source, subject=subject, event_id=event_id)
            span.set_attribute(MESSAGE_ID, event.id)
            yield event, stream

    async def publish_event(self, event: CloudEvent, *, stream: str | None = None) -> str:
        """Appends an event built elsewhere (a relay, a replay) as it is, to `stream` (default: its type's stream
        in the contract); returns the stream entry id. No span of its own: the event carries the trace context
        it was made in."""
        if stream is None:
            if event.type not in EVENT_TYPES:
                raise ValueError(f"{event.type} is not an event type of the contract: name the stream")
            stream = EVENT_TYPES[event.type].stream
        entry_id: str = await self.redis.xadd(
            stream,
            {EVENT_FIELD: event.model_dump_json()},
            maxlen=self.retention.for_stream(stream),
            approximate=True,
        )
        self.metrics.published.labels(stream, event.type).inc()
        return entry_id

    @property
    def queued(self) -> int:
        """Events `publish_later` queued that Redis has not taken yet."""
        return len(self._queue)

    @asynccontextmanager
    async def sending(self) -> AsyncIterator[EventPublisher]:
        """Runs the sender of `publish_later` until the block ends, then gives it `flush_deadline_seconds` to send
        what is left; what it could not send by then is dropped (`events_dropped_total{reason="shutdown"}`)."""
        if self._sender is not None:
            raise RuntimeError("this publisher is sending already")
        self._closing = False
        self._queued = asyncio.Event()
        self._sender = asyncio.create_task(self._send_queued(), name=f"event sender {self.source}")
        try:
            yield self
        finally:
            self._closing = True
            self._queued.set()
            sender, self._sender = self._sender, None
            try:
                await asyncio.wait_for(asyncio.shield(sender), self.flush_deadline_seconds)
            except TimeoutError:
                sender.cancel()
                await asyncio.gather(sender, return_exceptions=True)
            unsent = list(self._queue)
            self._queue.clear()
            self._drop(unsent, reason="shutdown")

    async def _send_queued(self) -> None:
        """Sends what is queued, oldest first, until `sending()` ends and nothing is left; while Redis fails, it
        tries the same events again after a growing pause (nothing is taken off the queue before Redis took it)."""
        queued = self._queued
        assert queued is not None
        backoff = ExponentialBackoff(cap=self.retry_max_seconds, base=self.retry_initial_seconds)
        failures = 0  # in a row
        while True:
            if not self._queue:
                if self._closing:
                    return
                queued.clear()
                await queued.wait()
                continue
            batch = [self._queue[index] for index in range(min(len(self._queue), MAX_EVENTS_PER_ROUND_TRIP))]
            try:
                written = await self._write(batch)
            except Exception as failure:  # RedisError mostly; whatever it is, the sender must outlive it
                delay = backoff.compute(failures)
                failures += 1
                logger.warning("could not send %d queued events (%d in the queue): %s; retrying in %d ms",
                               len(batch), len(self._queue), failure, round(delay * 1000))
                await asyncio.sleep(delay)
                continue
            for _ in range(written):
                sent = self._queue.popleft()
                self.metrics.published.labels(sent.stream, sent.event.type).inc()
            if written == len(batch):
                failures = 0

    async def _write(self, batch: list[_Queued]) -> int:
        """XADDs `batch` in one non-transactional pipeline (one round trip on one node; in a cluster, one per node,
        each stream's entries in order); returns how many, from the first, Redis took. A command Redis refused
        raises after the ones before it are counted: those after it may have been written too and are sent again,
        duplicates of the same event id, which the consumers skip (docs/decisions/0007)."""
        async with self.redis.pipeline(transaction=False) as pipeline:
            for queued in batch:
                pipeline.xadd(queued.stream, {EVENT_FIELD: queued.event.model_dump_json()},
                              maxlen=self.retention.for_stream(queued.stream), approximate=True)
            replies = await pipeline.execute(raise_on_error=False)
        for index, reply in enumerate(replies):
            if isinstance(reply, Exception):
                if index == 0:
                    raise reply
                return index
        return len(replies)

    def _drop(self, dropped: list[_Queued], *, reason: str) -> None:
        if not dropped:
            return
        self.metrics.dropped.labels(reason).inc(len(dropped))
        # A full queue drops every event until Redis answers again: one line a second, not one per event.
        self._dropped_unlogged += len(dropped)
        now = time.monotonic()
        if reason == "shutdown" or now - self._last_drop_logged >= DROP_LOG_INTERVAL_SECONDS:
            logger.error("dropped %d events (%s; events_dropped_total), the last %s on %s", self._dropped_unlogged,
                         reason, dropped[-1].event.id, dropped[-1].stream)
            self._last_drop_logged, self._dropped_unlogged = now, 0
