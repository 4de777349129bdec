"""`StreamConsumer`: at-least-once delivery of a stream's CloudEvents to typed handlers, through a consumer group.

Per batch of entries (read, or reclaimed): parse each envelope, find the handler of its type (none: acknowledge
and move on) and parse its `data` into the type's payload model; ask Redis in one pipelined round trip which of
the events were handled within the dedupe window (their idempotency keys exist: acknowledged, not handled again);
then call the handlers one after the other, in stream order, each inside a `process <stream>` span whose parent is
the event's trace context (`events.spans`). A handler that succeeded gets its idempotency key written at once and
its entry acknowledged with the rest of the batch (`events.batch`: the round trips, and what a crash does). While
the handler runs, its entry is leased (`events.lease`): renewed every third of `min_idle_ms`, so that no other
consumer reclaims an entry whose handler is alive, however long it takes. A failed entry stays pending; entries idle
longer than `min_idle_ms` (a dead consumer's, whose lease stopped, and failed ones) are reclaimed (XAUTOCLAIM) by any
consumer of the group and handled again. The handler runs at most `max_deliveries` times for an entry: when it fails
on that delivery, the entry goes to `<stream>.dlq` with the reason and is acknowledged so that the stream moves on (a
reclaimed entry already delivered more often, its consumer having died mid-handler, goes there without
another try). Malformed entries (no event, an envelope that breaks the profile, or a payload that breaks its
type's schema) go there at once (written there, then acknowledged: two steps, see `_dead_letter`). Lost
connections are retried with exponential backoff; a group that disappeared (Redis restarted without persistence) is
created again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from service_kit.events.batch import BatchRecord, processed_key
from service_kit.events.envelope import CloudEvent, MalformedEvent, decode_event, format_time, trace_context_of
from service_kit.events.handlers import Delivery, EventHandlers
from service_kit.events.lease import EntryLeases
from service_kit.events.metrics import EventMetrics, default_event_metrics
from service_kit.events.publisher import EVENT_FIELD
from service_kit.events.settings import ConsumerSettings
from service_kit.events.spans import EVENT_TYPE, MESSAGE_ID, messaging_attributes
from service_kit.redis_client import RedisClient
from service_kit.tracing import TRACER_NAME, extract_context

logger = logging.getLogger(__name__)

Fields = dict[str, str]

MAX_ERROR_LENGTH = 1000
MALFORMED_PREFIX = "malformed event: "
# Errors worth a reconnect with backoff rather than a log line per entry.
CONNECTION_ERRORS = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)
# Bounds one reclaim round, so that a huge backlog of pending entries cannot starve new entries.
_MAX_RECLAIM_PAGES = 64


@dataclass(frozen=True)
class AutoclaimReply:
    cursor: str
    entries: list[tuple[str, Fields]]
    # Pending entries that no longer exist in the stream (trimmed); Redis 7 drops them from the PEL itself.
    deleted_ids: list[str]


def parse_autoclaim_reply(reply: Sequence[Any]) -> AutoclaimReply:
    """XAUTOCLAIM's reply: [cursor, entries] on Redis 6.2, [cursor, entries, deleted ids] on 7.x.

    Entries come as redis-py parses them ((id, {field: value})) or raw ([id, [field, value, ...]]); an entry
    that is None (Redis 6.2's answer for a pending entry deleted from the stream) is left out.
    """
    if len(reply) not in (2, 3):
        raise ValueError(f"XAUTOCLAIM reply has {len(reply)} elements, expected 2 or 3")
    entries: list[tuple[str, Fields]] = []
    for entry in reply[1] or []:
        if entry is None or entry[0] is None:
            continue
        entry_id, raw_fields = entry[0], entry[1]
        if raw_fields is None:
            continue
        if isinstance(raw_fields, dict):
            fields = {_text(key): _text(value) for key, value in raw_fields.items()}
        else:
            items = list(raw_fields)
            fields = {_text(items[i]): _text(items[i + 1]) for i in range(0, len(items) - 1, 2)}
        entries.append((_text(entry_id), fields))
    deleted = [_text(entry_id) for entry_id in reply[2]] if len(reply) == 3 and reply[2] else []
    return AutoclaimReply(cursor=_text(reply[0]), entries=entries, deleted_ids=deleted)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _error_text(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]


class StreamConsumer:
    """Consumes `settings.stream` as `settings.consumer` in `settings.group`, handing each event to the handler
    of its type in `handlers`.

    Run it with `await consumer.start()` ... `await consumer.stop()`, or `async with consumer:`, or
    `await consumer.run()` (returns after `stop()`). `redis` must decode responses (service_kit's client does).
    Spans come from `tracer` (the app's; default: the global provider's, a no-op unless one is set).
    """

    def __init__(
        self,
        redis: RedisClient,
        settings: ConsumerSettings,
        handlers: EventHandlers,
        *,
        metrics: EventMetrics | None = None,
        tracer: Tracer | None = None,
    ) -> None:
        self.redis = redis
        self.settings = settings
        self.handlers = handlers
        self.tracer = tracer or trace.get_tracer(TRACER_NAME)
        metrics = metrics or default_event_metrics()
        labels = (settings.stream, settings.group)
        self._consumed = metrics.consumed.labels(*labels)
        self._acked = metrics.acked.labels(*labels)
        self._retried = metrics.retried.labels(*labels)
        self._dead_lettered = metrics.dead_lettered.labels(*labels)
        self._duplicates = metrics.duplicates_skipped.labels(*labels)
        self._pending = metrics.pending.labels(*labels)
        self._lag_gauge, self._labels = metrics.lag, labels  # created on the first value: absent on Redis 6.2
        self._handler_seconds = metrics.handler_seconds.labels(*labels)
        self._leases = EntryLeases(redis, settings, metrics.lease_renewals_failed.labels(*labels))
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._group_ready = False
        self._backoff = ExponentialBackoff(cap=settings.backoff_max_ms / 1000, base=settings.backoff_initial_ms / 1000)
        self._failures = 0  # in a row, since Redis last answered

    # -- lifecycle -----------------------------------------------------------------------------------

    async def start(self) -> None:
        """Starts consuming in a background task (creating the group if needed, in that task)."""
        if self._task is not None:
            raise RuntimeError("this consumer was started already")
        self._task = asyncio.create_task(self.run(), name=f"consumer {self.settings.stream}/{self.settings.group}")

    async def stop(self) -> None:
        """Graceful shutdown: stop reading, let the batch in hand finish (at most `shutdown_timeout_ms`),
        return. Entries not finished in time stay pending and are reclaimed by another consumer."""
        self._stopping.set()
        task, self._task = self._task, None
        if task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(task), self.settings.shutdown_timeout_ms / 1000)
        except TimeoutError:
            logger.warning(
                "consumer %s of %s/%s: in-flight handlers did not finish within %d ms; cancelled, their entries "
                "stay pending", self.settings.consumer, self.settings.stream, self.settings.group,
                self.settings.shutdown_timeout_ms,
            )
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def __aenter__(self) -> StreamConsumer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    @property
    def running(self) -> bool:
        """Started, and its task neither stopped nor crashed."""
        return self._task is not None and not self._task.done()

    async def run(self) -> None:
        """Consumes until `stop()`; never raises for Redis trouble: it logs, backs off and tries again."""
        settings = self.settings
        logger.info("consumer %s reading %s in group %s", settings.consumer, settings.stream, settings.group)
        while not self._stopping.is_set():
            try:
                await self._consume()
            except asyncio.CancelledError:
                raise
            except ResponseError as error:
                if str(error).startswith("NOGROUP"):
                    logger.warning("group %s of %s is gone (%s): creating it again", settings.group,
                                   settings.stream, error)
                    self._group_ready = False
                    continue
                await self._back_off(error)
            except CONNECTION_ERRORS as error:
                await self._back_off(error)
            except Exception as error:  # a bug or a surprise: log it, never crash-loop
                logger.exception("consumer %s of %s/%s failed", settings.consumer, settings.stream, settings.group)
                await self._back_off(error)
        logger.info("consumer %s of %s/%s stopped", settings.consumer, settings.stream, settings.group)

    async def _back_off(self, error: BaseException) -> None:
        delay_ms = round(self._backoff.compute(self._failures) * 1000)
        logger.warning(
            "consumer %s of %s/%s: %s; retrying in %d ms", self.settings.consumer, self.settings.stream,
            self.settings.group, _error_text(error), delay_ms,
        )
        self._failures += 1
        self._group_ready = False  # after a restart the group may be gone
        try:
            await asyncio.wait_for(self._stopping.wait(), delay_ms / 1000)
        except TimeoutError:
            pass

    # -- the loop ------------------------------------------------------------------------------------

    async def _consume(self) -> None:
        settings = self.settings
        next_reclaim = 0.0
        while not self._stopping.is_set():
            if not self._group_ready:
                await self._create_group()
            now = time.monotonic()
            if now >= next_reclaim:
                await self._reclaim()
                await self.observe_backlog()
                next_reclaim = time.monotonic() + settings.reclaim_interval_ms / 1000
            block_ms = max(1, min(settings.block_ms, int((next_reclaim - time.monotonic()) * 1000)))
            entries = await self._read(block_ms)
            read_at = time.monotonic()
            self._failures = 0  # Redis answered
            await self._deliver_batch([(entry_id, fields, 1) for entry_id, fields in entries], read_at)

    async def _create_group(self) -> None:
        s = self.settings
        try:
            await self.redis.xgroup_create(s.stream, s.group, id=s.group_start_id, mkstream=True)
            logger.info("created consumer group %s of %s at %s", s.group, s.stream, s.group_start_id)
        except ResponseError as error:
            if not str(error).startswith("BUSYGROUP"):
                raise
        self._group_ready = True

    async def _read(self, block_ms: int) -> list[tuple[str, Fields]]:
        """New entries for this consumer; returns nothing as soon as `stop()` is called."""
        s = self.settings
        read = asyncio.ensure_future(
            self.redis.xreadgroup(s.group, s.consumer, {s.stream: ">"}, count=s.batch_size, block=block_ms)
        )
        stop = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({read, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
        if not read.done():
            # Stopping: give up the read. Entries Redis delivered at this very moment stay pending for this
            # consumer name, and another consumer reclaims them after min_idle_ms.
            read.cancel()
            await asyncio.gather(read, return_exceptions=True)
            return []
        reply = read.result()
        if not reply:
            return []
        streams = reply.values() if isinstance(reply, dict) else (entries for _, entries in reply)  # RESP3 / RESP2
        return [
            (_text(entry_id), {_text(k): _text(v) for k, v in (fields or {}).items()})
            for entries in streams
            for entry_id, fields in entries
        ]

    async def _reclaim(self) -> None:
        s = self.settings
        cursor = "0-0"
        for _ in range(_MAX_RECLAIM_PAGES):
            reply = await self.redis.xautoclaim(
                s.stream, s.group, s.consumer, min_idle_time=s.min_idle_ms, start_id=cursor, count=s.batch_size
            )
            claimed_at = time.monotonic()
            page = parse_autoclaim_reply(reply)
            batch: list[tuple[str, Fields, int]] = []
            for entry_id, fields in page.entries:
                if self._stopping.is_set():
                    break
                deliveries = await self._delivery_count(entry_id)
                if deliveries is None:
                    continue  # acknowledged meanwhile by the consumer it was taken from
                logger.info("reclaimed entry %s of %s (delivery %d)", entry_id, s.stream, deliveries)
                if deliveries > s.max_deliveries:
                    if not await self._leases.still_held(entry_id, claimed_at):
                        continue
                    error = (f"not handled successfully in {s.max_deliveries} deliveries: the last attempt ended "
                             "without an outcome (its consumer stopped or died, see its log)")
                    self._consumed.inc()
                    with self._process_span(_trace_context_of_text(fields.get(EVENT_FIELD))):
                        await self._dead_letter(entry_id, fields, deliveries, error)
                else:
                    batch.append((entry_id, fields, deliveries))
            await self._deliver_batch(batch, claimed_at)
            if self._stopping.is_set() or page.cursor in ("0-0", "0"):
                return

    async def _delivery_count(self, entry_id: str) -> int | None:
        s = self.settings
        pending = await self.redis.xpending_range(s.stream, s.group, min=entry_id, max=entry_id, count=1)
        if not pending:
            return None
        return int(pending[0]["times_delivered"])

    async def observe_backlog(self) -> None:
        """Sets the pending and lag gauges (done at each reclaim round, between batches)."""
        s = self.settings
        summary = await self.redis.xpending(s.stream, s.group)
        self._pending.set(int(summary.get("pending", 0) if isinstance(summary, dict) else summary[0]))
        for group in await self.redis.xinfo_groups(s.stream):
            if _text(group.get("name")) == s.group and group.get("lag") is not None:
                self._lag_gauge.labels(*self._labels).set(int(group["lag"]))  # Redis 7+ only

    # -- one batch -----------------------------------------------------------------------------------

    async def _deliver_batch(self, entries: list[tuple[str, Fields, int]], taken_at: float) -> None:
        """Handles a batch of (entry id, fields, delivery count), taken at `taken_at` (time.monotonic()): the
        envelopes parsed first, the idempotency keys of all its events checked in one round trip, the entries then
        delivered in order, and the batch's keys and acknowledgements written by a `BatchRecord`."""
        if not entries:
            return
        parsed = [(entry_id, fields, deliveries, self._parse(fields)) for entry_id, fields, deliveries in entries]
        handled_before = await self._handled_already(
            [outcome.processed_key for *_, outcome in parsed if isinstance(outcome, _Routed)])
        record = BatchRecord(self.redis, self.settings)
        try:
            for entry_id, fields, deliveries, outcome in parsed:
                if self._stopping.is_set():
                    break  # the rest stays pending, reclaimed after min_idle_ms
                if not await self._leases.still_held(entry_id, taken_at):
                    continue
                self._consumed.inc()
                with self._process_span(self._parent_of(outcome, fields)) as span:
                    await self._deliver(span, record, entry_id, fields, deliveries, outcome, handled_before)
        except BaseException:
            await record.abandon()
            raise
        self._acked.inc(await record.finish())

    def _parse(self, fields: Fields) -> _Routed | _Ignored | _Malformed:
        """What the entry holds: an event with the handler to run, one this group ignores, or a malformed one."""
        text = fields.get(EVENT_FIELD)
        if text is None:
            return _Malformed(f"no {EVENT_FIELD!r} field (fields: {', '.join(sorted(fields)) or 'none'})")
        try:
            event = decode_event(text)
            delivery = self.handlers.route(event)
        except MalformedEvent as error:
            return _Malformed(str(error))
        if delivery is None:
            return _Ignored(event)
        return _Routed(event, delivery, processed_key(self.settings, event.id))

    async def _handled_already(self, processed_keys: list[str]) -> set[str]:
        """Which of the keys exist: one pipelined round trip for the whole batch."""
        if not processed_keys:
            return set()
        async with self.redis.pipeline(transaction=False) as pipe:
            for key in processed_keys:
                pipe.exists(key)
            found = await pipe.execute()
        return {key for key, exists in zip(processed_keys, found, strict=True) if exists}

    # -- one entry -----------------------------------------------------------------------------------

    @staticmethod
    def _parent_of(outcome: _Routed | _Ignored | _Malformed, fields: Fields) -> Context:
        """The trace context the entry's event carries: from the envelope parsed already, or, for a malformed one,
        read leniently from the raw text, so that its dead-lettering is in its trace too (none, or a malformed one:
        a new root)."""
        if isinstance(outcome, _Malformed):
            return _trace_context_of_text(fields.get(EVENT_FIELD))
        return trace_context_of(outcome.event)

    def _process_span(self, parent: Context) -> AbstractContextManager[trace.Span]:
        """A `process <stream>` span, a child of `parent` (an empty context: a new root)."""
        s = self.settings
        return self.tracer.start_as_current_span(
            f"process {s.stream}", context=parent, kind=SpanKind.CONSUMER,
            attributes=messaging_attributes(s.stream, "process", group=s.group),
        )

    async def _deliver(self, span: trace.Span, record: BatchRecord, entry_id: str, fields: Fields, deliveries: int,
                       outcome: _Routed | _Ignored | _Malformed, handled_before: set[str]) -> None:
        s = self.settings
        if isinstance(outcome, _Malformed):
            await self._dead_letter(entry_id, fields, deliveries, f"{MALFORMED_PREFIX}{outcome.reason}")
            return
        event = outcome.event
        span.set_attributes({MESSAGE_ID: event.id, EVENT_TYPE: event.type})
        if isinstance(outcome, _Ignored):  # a type this group does not handle: done with it, nothing to remember
            record.ignored(entry_id)
            return
        if outcome.processed_key in handled_before:
            record.duplicate(entry_id)
            self._duplicates.inc()
            logger.info("skipped entry %s of %s: event %s was handled already", entry_id, s.stream, event.id)
            return
        # The same event twice in one batch: the check above predates the first one's handling.
        handled_before.add(outcome.processed_key)

        started = time.perf_counter()
        lease = self._leases.lease(entry_id)
        try:
            async with lease:
                await outcome.delivery()
        except Exception as error:
            handled_before.discard(outcome.processed_key)
            self._handler_seconds.observe(time.perf_counter() - started)
            span.record_exception(error)
            span.set_status(Status(StatusCode.ERROR, _error_text(error)))
            if deliveries >= s.max_deliveries:
                # Its last delivery, unless another consumer reclaimed the entry meanwhile: then it is that one's.
                if not lease.lost and await self._leases.renew(entry_id):
                    await self._dead_letter(entry_id, fields, deliveries, _error_text(error))
                return
            self._retried.inc()
            logger.warning(
                "handler failed for event %s (entry %s of %s, delivery %d of at most %d): %s",
                event.id, entry_id, s.stream, deliveries, s.max_deliveries, _error_text(error),
                exc_info=True,
            )
            return
        self._handler_seconds.observe(time.perf_counter() - started)
        if lease.lost:
            logger.warning("handled event %s (entry %s of %s), which another consumer reclaimed meanwhile: left to it",
                           event.id, entry_id, s.stream)
            return
        record.handled(entry_id, outcome.processed_key)

    async def _dead_letter(self, entry_id: str, fields: Fields, deliveries: int, error: str) -> None:
        s = self.settings
        original = fields.get(EVENT_FIELD)
        if original is None:  # keep whatever the entry held
            original = orjson.dumps(fields).decode()
        letter = {
            EVENT_FIELD: original,
            "stream": s.stream,
            "entry_id": entry_id,
            "group": s.group,
            "consumer": s.consumer,
            "deliveries": str(deliveries),
            "error": error[:MAX_ERROR_LENGTH],
            "failed_at": format_time(datetime.now(UTC)),
        }
        # Two steps, not one MULTI/EXEC: in a Redis Cluster `<stream>.dlq` (a contract name, no hash tag) lives in
        # another slot than the stream. In this order a crash between them leaves the entry pending, and its next
        # delivery dead-letters it again (a second letter with the same entry_id), never one lost.
        await self.redis.xadd(s.dead_letter_stream, letter, maxlen=s.dead_letter_retention, approximate=True)
        await self.redis.xack(s.stream, s.group, entry_id)
        self._dead_lettered.inc()
        logger.error(
            "moved entry %s of %s to %s after %d deliveries: %s", entry_id, s.stream, s.dead_letter_stream,
            deliveries, error,
        )


@dataclass(frozen=True)
class _Routed:
    """An event of a type the group handles: `delivery` runs its handler on the typed event."""

    event: CloudEvent
    delivery: Delivery
    processed_key: str


@dataclass(frozen=True)
class _Malformed:
    """An entry that is no valid event of the contract: dead-lettered at once, with `reason`."""

    reason: str


@dataclass(frozen=True)
class _Ignored:
    """An event of a type the group does not handle."""

    event: CloudEvent


def _trace_context_of_text(text: str | None) -> Context:
    """The trace context in an entry's event text, read before (and whatever) the envelope's validation says."""
    try:
        document = orjson.loads(text) if text is not None else None
    except orjson.JSONDecodeError:
        document = None
    return extract_context(document if isinstance(document, dict) else {})
