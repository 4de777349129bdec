"""The lease on a running handler's entry (`service_kit.events.lease`), against the tests' real Redis (REDIS_URL's,
or a Redis Cluster): a handler that outlasts `min_idle_ms` keeps its entry while a second consumer of the group reclaims idle entries,
entries waiting in a batch behind it go to that second consumer once, a consumer killed mid-handler still
loses its entry to the other one, and a late renewal never takes an entry back, nor does a consumer that lost an
entry acknowledge it."""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from service_kit.events import (
    ConsumerSettings,
    EventHandlers,
    EventMetrics,
    EventPublisher,
    StreamConsumer,
    TypedEvent,
)
from service_kit.events.lease import EntryLeases
from service_kit.redis_client import RedisClient
from service_kit.settings import RedisSettings
from service_kit_testing.checks import sample_broadcast
from service_kit_testing.waiting import wait_until_async

pytestmark = pytest.mark.anyio

# Renewals every 333 ms: a consumer whose event loop stalls (a loaded CI machine) keeps a 600 ms margin.
MIN_IDLE_MS = 1_000
SLOW_CONSUMER = Path(__file__).with_name("events_slow_consumer.py")


def settings(stream: str, consumer: str) -> ConsumerSettings:
    return ConsumerSettings(stream=stream, group="g1", consumer=consumer, block_ms=50, reclaim_interval_ms=50,
                            min_idle_ms=MIN_IDLE_MS, shutdown_timeout_ms=5_000)


class SlowHandler:
    """Works `seconds` on each event (awaiting, as a handler doing I/O does), counting calls per event id."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started: Counter[str] = Counter()
        self.by_consumer: dict[str, str] = {}
        self.finished: Counter[str] = Counter()

    def for_consumer(self, consumer: str) -> EventHandlers:
        async def handle(event: TypedEvent[Any]) -> None:
            self.started[event.id] += 1
            self.by_consumer[event.id] = consumer
            await asyncio.sleep(self.seconds)
            self.finished[event.id] += 1

        return EventHandlers().on_every_type(handle)


def sample(metrics: EventMetrics, name: str, stream: str) -> float:
    return metrics.registry.get_sample_value(name, {"stream": stream, "group": "g1"}) or 0.0


async def test_a_handler_outlasting_min_idle_keeps_its_entry_while_another_consumer_reclaims(
    redis: RedisClient, stream: str
):
    metrics = EventMetrics()
    handler = SlowHandler(seconds=3 * MIN_IDLE_MS / 1000)
    publisher = EventPublisher(redis, source="/test-service")
    first = StreamConsumer(redis, settings(stream, "c1"), handler.for_consumer("c1"), metrics=metrics)
    second = StreamConsumer(redis, settings(stream, "c2"), handler.for_consumer("c2"), metrics=metrics)
    async with first, second:
        event = await publisher.publish(sample_broadcast("slow"), stream=stream)
        await wait_until_async(lambda: sample(metrics, "events_acked_total", stream) == 1, timeout=20,
                               message="the slow event acknowledged")
        await wait_until_async(lambda: _no_pending(redis, stream), message="nothing left pending")

    assert handler.started == {event.id: 1} and handler.finished == {event.id: 1}
    assert sample(metrics, "events_consumed_total", stream) == 1  # never reclaimed, so never delivered again
    assert sample(metrics, "events_duplicates_skipped_total", stream) == 0
    assert sample(metrics, "events_lease_renewals_failed_total", stream) == 0
    assert await redis.exists(f"{{{stream}}}:g1:processed:{event.id}")


async def test_entries_waiting_in_a_batch_behind_a_slow_handler_go_to_the_other_consumer_once(
    redis: RedisClient, stream: str
):
    metrics = EventMetrics()
    handler = SlowHandler(seconds=3 * MIN_IDLE_MS / 1000)
    publisher = EventPublisher(redis, source="/test-service")
    sent = [await publisher.publish(sample_broadcast(f"{n}"), stream=stream) for n in range(3)]
    async with StreamConsumer(redis, settings(stream, "c1"), handler.for_consumer("c1"), metrics=metrics):
        # c1 read all three in one batch and works on the first; the other two wait behind it, idle.
        await wait_until_async(lambda: handler.started[sent[0].id] == 1, message="c1 on the first event")
        async with StreamConsumer(redis, settings(stream, "c2"), handler.for_consumer("c2"), metrics=metrics):
            await wait_until_async(lambda: sample(metrics, "events_acked_total", stream) == 3, timeout=20,
                                   message="the three events acknowledged")
            await wait_until_async(lambda: _no_pending(redis, stream), message="nothing left pending")

    assert handler.started == {event.id: 1 for event in sent}, "each event handled once"
    assert handler.by_consumer[sent[0].id] == "c1"
    assert "c2" in handler.by_consumer.values(), "the waiting entries were reclaimed by the idle consumer"
    assert sample(metrics, "events_duplicates_skipped_total", stream) == 0


async def test_the_entry_of_a_consumer_killed_mid_handler_is_still_reclaimed_by_another(
    redis: RedisClient, redis_settings: RedisSettings, stream: str
):
    started_key, completed_key = f"{stream}:started", f"{stream}:completed"
    environment = {**os.environ, **redis_settings.environment(), "EVENTS_MIN_IDLE_MS": str(MIN_IDLE_MS),
                   "EVENTS_RECLAIM_INTERVAL_MS": "50"}
    # Its handler would take far longer than the test: only a kill ends it.
    victim = await asyncio.create_subprocess_exec(
        sys.executable, str(SLOW_CONSUMER), stream, "g1", "victim", "600", env=environment,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )
    rescued: list[str] = []

    async def rescue(event: TypedEvent[Any]) -> None:
        rescued.append(event.id)

    try:
        event = await EventPublisher(redis, source="/test-service").publish(sample_broadcast("x"), stream=stream)
        await wait_until_async(lambda: redis.hexists(started_key, event.id), timeout=60,  # its start included
                               message="the victim's handler started")
        async with StreamConsumer(redis, settings(stream, "rescuer"), EventHandlers().on_every_type(rescue)):
            # Alive, the victim keeps renewing: the rescuer's reclaim rounds leave the entry to it for several
            # times min_idle_ms.
            loop = asyncio.get_running_loop()
            watched_from = loop.time()

            async def held_by_the_victim_for_three_min_idle() -> bool:
                [entry] = await redis.xpending_range(stream, "g1", min="-", max="+", count=1)
                assert entry["consumer"] == "victim", entry
                assert entry["time_since_delivered"] < MIN_IDLE_MS, entry  # renewed: never reclaimable
                assert entry["times_delivered"] == 1, entry  # renewals are not deliveries
                return loop.time() - watched_from >= 3 * MIN_IDLE_MS / 1000

            await wait_until_async(held_by_the_victim_for_three_min_idle, timeout=20,
                                   message="three min_idle_ms of the victim holding its entry")
            assert rescued == []
            victim.kill()
            await victim.wait()
            await wait_until_async(lambda: rescued == [event.id], timeout=20, message="the entry rescued")
            await wait_until_async(lambda: _no_pending(redis, stream), message="nothing left pending")
    finally:
        if victim.returncode is None:
            victim.kill()
            await victim.wait()
    assert await redis.hget(completed_key, event.id) is None  # the victim never finished it


async def test_a_renewal_never_takes_an_entry_back_from_the_consumer_that_reclaimed_it(redis: RedisClient, stream: str):
    metrics = EventMetrics()
    entry_id = await redis.xadd(stream, {"cloudevent": "{}"})
    await redis.xgroup_create(stream, "g1", id="0")
    await redis.xreadgroup("g1", "c1", {stream: ">"}, count=1)
    leases = EntryLeases(redis, settings(stream, "c1"), metrics.lease_renewals_failed.labels(stream, "g1"))
    assert await leases.renew(entry_id)

    await redis.xclaim(stream, "g1", "c2", 0, [entry_id], justid=True)  # c1 was too late: c2 reclaimed it
    assert not await leases.renew(entry_id)
    [entry] = await redis.xpending_range(stream, "g1", min="-", max="+", count=1)
    assert entry["consumer"] == "c2" and entry["times_delivered"] == 1

    async with leases.lease(entry_id) as lease:  # a handler of c1 still running: its lease is lost, and said so
        await wait_until_async(lambda: lease.lost)
    assert sample(metrics, "events_lease_renewals_failed_total", stream) == 1
    [entry] = await redis.xpending_range(stream, "g1", min="-", max="+", count=1)
    assert entry["consumer"] == "c2"


async def test_a_consumer_that_lost_its_entry_mid_handler_leaves_it_to_the_new_owner(redis: RedisClient, stream: str):
    metrics = EventMetrics()
    handled: list[str] = []

    async def overtaken(event: TypedEvent[Any]) -> None:
        # What a pause longer than min_idle_ms leads to: another consumer reclaims the entry under the handler.
        [entry] = await redis.xpending_range(stream, "g1", min="-", max="+", count=1)
        await redis.xclaim(stream, "g1", "c2", 0, [entry["message_id"]], justid=True)
        await wait_until_async(lambda: sample(metrics, "events_lease_renewals_failed_total", stream) == 1,
                               message="the lease found lost")
        handled.append(event.id)

    async with StreamConsumer(redis, settings(stream, "c1"), EventHandlers().on_every_type(overtaken),
                              metrics=metrics):
        event = await EventPublisher(redis, source="/test-service").publish(sample_broadcast("x"), stream=stream)
        await wait_until_async(lambda: handled == [event.id], message="the handler done")
    [entry] = await redis.xpending_range(stream, "g1", min="-", max="+", count=1)
    assert entry["consumer"] == "c2", "neither acknowledged nor taken back: c2's to finish"
    assert not await redis.exists(f"{{{stream}}}:g1:processed:{event.id}")
    assert sample(metrics, "events_acked_total", stream) == 0


async def _no_pending(redis: RedisClient, stream: str) -> bool:
    return (await redis.xpending(stream, "g1"))["pending"] == 0
