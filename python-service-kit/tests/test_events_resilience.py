"""The acceptance scenarios of the backbone that involve killing things: a consumer process killed with
SIGKILL in the middle of a batch, and Redis itself stopped and started again."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from contract_types.streams import Stream

from service_kit.events import (
    CloudEvent,
    ConsumerSettings,
    EventHandlers,
    EventPublisher,
    StreamConsumer,
    TypedEvent,
)
from service_kit.redis_client import RedisClient, create_redis_client
from service_kit.settings import RedisSettings
from service_kit_testing.checks import sample_broadcast
from service_kit_testing.events import delete_keys_of_stream
from service_kit_testing.redis_server import PrivateRedis
from service_kit_testing.waiting import wait_until_async

pytestmark = pytest.mark.anyio

SLOW_CONSUMER = Path(__file__).with_name("events_slow_consumer.py")


async def test_entries_of_a_consumer_killed_mid_batch_are_handled_by_another_exactly_once(
    redis: RedisClient, redis_settings: RedisSettings, unique_name: Callable[[str], str]
):
    stream = unique_name("test.sigkill")
    count = 12
    publisher = EventPublisher(redis, source="/test-service")
    sent = [await publisher.publish(sample_broadcast(f"{n}"), stream=stream) for n in range(count)]
    started_key, completed_key = f"{stream}:started", f"{stream}:completed"

    environment = {**os.environ, **redis_settings.environment(), "EVENTS_MIN_IDLE_MS": "300",
                   "EVENTS_RECLAIM_INTERVAL_MS": "100"}
    victim = await asyncio.create_subprocess_exec(
        sys.executable, str(SLOW_CONSUMER), stream, "g1", "victim", "0.3", env=environment,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )
    try:
        # Kill it while a handler sleeps: some events completed, one started and not completed, the rest of
        # its batch delivered to it and not even started.
        async def in_the_middle() -> bool:
            started, completed = await redis.hlen(started_key), await redis.hlen(completed_key)
            return completed >= 3 and started == completed + 1

        # The bound includes the victim's start (imports alone took 10 s on a loaded 2-core machine).
        await wait_until_async(in_the_middle, timeout=60, interval=0.01, message="the victim mid-batch")
        victim.kill()
        await victim.wait()
    finally:
        if victim.returncode is None:
            victim.kill()
            await victim.wait()
    done_by_victim = await redis.hlen(completed_key)
    assert done_by_victim < count
    # Its batch is acknowledged together at the end: all of it is still pending, but each event it completed has
    # its idempotency key, written as its handler returned, so that whoever reclaims it skips it.
    assert (await redis.xpending(stream, "g1"))["pending"] == count
    completed_ids = set(await redis.hkeys(completed_key))
    assert {event.id for event in sent if await redis.exists(f"{{{stream}}}:g1:processed:{event.id}")} == completed_ids

    async def record(event: TypedEvent[Any]) -> None:
        await redis.hincrby(started_key, event.id, 1)
        await redis.hincrby(completed_key, event.id, 1)

    settings = ConsumerSettings(stream=stream, group="g1", consumer="rescuer", block_ms=100,
                                reclaim_interval_ms=100, min_idle_ms=300)
    async with StreamConsumer(redis, settings, EventHandlers().on_every_type(record)):
        await wait_until_async(lambda: redis.hlen(completed_key), timeout=20)
        await wait_until_async(lambda: _all_completed(redis, completed_key, count), timeout=20,
                               message=f"all {count} events completed")
        await wait_until_async(lambda: _no_pending(redis, stream), timeout=20)

    completed = await redis.hgetall(completed_key)
    assert completed == {event.id: "1" for event in sent}, "each event completed exactly once, none lost"
    # The one killed mid-handler started twice (it never completed the first time).
    started = await redis.hgetall(started_key)
    assert sorted(started.values()).count("2") == 1
    await delete_keys_of_stream(redis, stream)  # its :started and :completed keys and idempotency keys too


async def _all_completed(redis: RedisClient, key: str, count: int) -> bool:
    return await redis.hlen(key) == count


async def _no_pending(redis: RedisClient, stream: str) -> bool:
    return (await redis.xpending(stream, "g1"))["pending"] == 0


async def test_a_consumer_resumes_by_itself_after_redis_restarts(
    private_redis: PrivateRedis, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.INFO, logger="service_kit.events")
    redis = create_redis_client(RedisSettings.given(url=private_redis.url))  # one node, even in the `cluster` suite
    handled: list[CloudEvent] = []

    async def handle(event: TypedEvent[Any]) -> None:
        handled.append(event.envelope)

    settings = ConsumerSettings(stream=Stream.PLATFORM_EVENTS, group="g1", consumer="c1", block_ms=100,
                                reclaim_interval_ms=100, backoff_initial_ms=20, backoff_max_ms=160)
    publisher = EventPublisher(redis, source="/test-service")
    consumer = StreamConsumer(redis, settings, EventHandlers().on_every_type(handle))
    try:
        await consumer.start()
        before = [await publisher.publish(sample_broadcast(f"{n}")) for n in range(3)]  # to platform.events
        await wait_until_async(lambda: handled == before, message="events before the restart")

        await asyncio.to_thread(private_redis.stop)
        await wait_until_async(lambda: _retry_delays(caplog)[-3:] == [160, 160, 160], timeout=20,
                               message="backing off up to its maximum")
        await asyncio.to_thread(private_redis.start)  # same port, empty: the stream and group are gone

        after = [await publisher.publish(sample_broadcast(f"{n}")) for n in range(3)]
        await wait_until_async(lambda: handled == before + after, timeout=20, message="events after the restart")
        assert consumer.running
    finally:
        await consumer.stop()
        await redis.aclose()

    delays = _retry_delays(caplog)
    assert delays[:4] == [20, 40, 80, 160], delays
    assert set(delays) <= {20, 40, 80, 160}
    assert any("creat" in record.getMessage() for record in caplog.records if "group g1" in record.getMessage())


def _retry_delays(caplog: pytest.LogCaptureFixture) -> list[int]:
    return [int(match[1]) for record in caplog.records
            if (match := re.search(r"retrying in (\d+) ms", record.getMessage()))]


async def test_a_dead_letter_whose_acknowledgement_failed_is_written_again_never_lost(private_redis: PrivateRedis):
    """Dead-lettering is two steps (XADD to `<stream>.dlq`, then XACK: in a cluster they are in different slots).
    Between them the acknowledgement fails here for real (the consumer's Redis user may not XACK, as if it had died
    there): the entry stays pending and is dead-lettered again on its next delivery, until an XACK goes through."""
    admin = create_redis_client(RedisSettings.given(url=private_redis.url))
    await admin.acl_setuser("consumer", enabled=True, passwords=["+secret"], keys=["*"], commands=["+@all", "-xack"])
    consumer_url = f"redis://consumer:secret@127.0.0.1:{private_redis.port}/0"
    redis = create_redis_client(RedisSettings.given(url=consumer_url))
    stream = "test.dead-letters"

    async def always_fail(event: TypedEvent[Any]) -> None:
        raise RuntimeError("poison")

    settings = ConsumerSettings(stream=stream, group="g1", consumer="c1", block_ms=100, reclaim_interval_ms=100,
                                min_idle_ms=200, max_deliveries=1, backoff_initial_ms=20, backoff_max_ms=40)
    try:
        async with StreamConsumer(redis, settings, EventHandlers().on_every_type(always_fail)):
            poison = await EventPublisher(admin, source="/test-service").publish(sample_broadcast(), stream=stream)
            await wait_until_async(lambda: _letters_at_least(admin, f"{stream}.dlq", 2), timeout=20,
                                   message="a second dead letter, the first acknowledgement having failed")
            assert (await admin.xpending(stream, "g1"))["pending"] == 1, "written to the DLQ, not acknowledged"
            await admin.acl_setuser("consumer", commands=["+xack"])  # the next attempt gets through
            await wait_until_async(lambda: _no_pending(admin, stream), timeout=20, message="finally acknowledged")
        letters = [fields for _, fields in await admin.xrange(f"{stream}.dlq")]
        [(entry_id, _)] = await admin.xrange(stream)
        assert {(letter["entry_id"], letter["cloudevent"]) for letter in letters} == {
            (entry_id, poison.model_dump_json())}, "every letter the same entry: duplicates, none lost"
    finally:
        await redis.aclose()
        await admin.aclose()


async def _letters_at_least(redis: RedisClient, dead_letters: str, count: int) -> bool:
    return await redis.xlen(dead_letters) >= count
