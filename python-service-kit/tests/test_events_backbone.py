"""The event backbone against the real Redis of REDIS_URL: publish, consume, ack only after success, reclaim,
dead letters, idempotency, graceful shutdown, trace continuation, metrics. Each test has its own streams."""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

import pytest
from redis.asyncio import Redis

from service_kit.events import (
    CloudEvent,
    ConsumerSettings,
    EventMetrics,
    EventPublisher,
    StreamConsumer,
    StreamRetention,
    TraceContext,
    current_trace,
    use_trace,
)
from service_kit.logs import RequestIdFilter
from service_kit.redis_client import create_redis_client
from service_kit.testing import wait_until_async

pytestmark = pytest.mark.anyio

RFC3339_MICROS = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z"


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = create_redis_client(redis_url)
    created: list[str] = []
    client.created_keys = created  # type: ignore[attr-defined]
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
def stream(unique_name: Callable[[str], str]) -> str:
    return unique_name("test.events")


@pytest.fixture
async def cleanup(redis: Redis, stream: str) -> AsyncIterator[None]:
    yield
    keys = [key async for key in redis.scan_iter(match=f"{stream}*")]
    if keys:
        await redis.delete(*keys)


@pytest.fixture
def metrics() -> EventMetrics:
    return EventMetrics()


def fast_settings(stream: str, group: str = "g1", **overrides: Any) -> ConsumerSettings:
    values: dict[str, Any] = {
        "consumer": "c1", "block_ms": 100, "reclaim_interval_ms": 50, "min_idle_ms": 200,
        "backoff_initial_ms": 20, "backoff_max_ms": 200, "shutdown_timeout_ms": 5000,
    }
    values.update(overrides)
    return ConsumerSettings(stream=stream, group=group, **values)


def sample(metrics: EventMetrics, name: str, **labels: str) -> float:
    return metrics.registry.get_sample_value(name, labels) or 0.0


class Recorder:
    """A handler that records what it saw; `fail` decides per event whether to raise."""

    def __init__(self, fail: Callable[[CloudEvent], bool] = lambda event: False) -> None:
        self.events: list[CloudEvent] = []
        self.calls: Counter[str] = Counter()
        self.fail = fail

    async def __call__(self, event: CloudEvent) -> None:
        self.calls[event.id] += 1
        if self.fail(event):
            raise RuntimeError(f"boom on {event.id}")
        self.events.append(event)


async def test_published_events_reach_the_handler_once_and_are_acked(
    redis: Redis, stream: str, cleanup: None, metrics: EventMetrics
):
    publisher = EventPublisher(redis, source="/test-service", metrics=metrics)
    handler = Recorder()
    async with StreamConsumer(redis, fast_settings(stream), handler, metrics=metrics):
        sent = [await publisher.publish(stream, "notification.broadcast", {"message": f"m{n}"}, subject=f"s{n}")
                for n in range(3)]
        await wait_until_async(lambda: len(handler.events) == 3, message="3 events handled")
        await wait_until_async(lambda: sample(metrics, "events_acked_total", stream=stream, group="g1") == 3)

    assert handler.events == sent
    assert sent[0].source == "/test-service" and sent[0].subject == "s0"
    assert sent[0].dataschema == "https://polyglot.dev/schemas/events/notification.broadcast.json"
    assert re.fullmatch(RFC3339_MICROS, sent[0].time)
    entries = await redis.xrange(stream)
    assert [fields for _, fields in entries] == [{"cloudevent": event.to_json()} for event in sent]
    assert (await redis.xpending(stream, "g1"))["pending"] == 0
    assert sample(metrics, "events_published_total", stream=stream, type="notification.broadcast") == 3
    assert sample(metrics, "events_consumed_total", stream=stream, group="g1") == 3
    assert sample(metrics, "event_handler_seconds_count", stream=stream, group="g1") == 3
    assert sample(metrics, "events_retried_total", stream=stream, group="g1") == 0


async def test_consumer_group_is_created_from_the_start_of_the_stream(redis: Redis, stream: str, cleanup: None):
    publisher = EventPublisher(redis, source="/test-service")
    before = await publisher.publish(stream, "notification.broadcast", {"message": "before the group"})
    await redis.xgroup_create(stream, "existing", id="$")  # BUSYGROUP must be ignored
    handler = Recorder()
    async with StreamConsumer(redis, fast_settings(stream, group="fresh"), handler):
        await wait_until_async(lambda: handler.events == [before])
    async with StreamConsumer(redis, fast_settings(stream, group="existing"), Recorder()):
        pass


async def test_the_handler_runs_inside_the_events_trace(redis: Redis, stream: str, cleanup: None):
    publisher = EventPublisher(redis, source="/test-service")
    records: list[logging.LogRecord] = []
    capture = logging.Handler()
    capture.emit = records.append  # type: ignore[method-assign]
    capture.addFilter(RequestIdFilter())
    handler_logger = logging.getLogger("test.handler")
    handler_logger.addHandler(capture)
    handler_logger.setLevel(logging.INFO)
    published_inside: list[CloudEvent] = []
    traces: dict[str, TraceContext | None] = {}

    async def handle(event: CloudEvent) -> None:
        traces[event.type] = current_trace()
        handler_logger.info("handling %s", event.id)
        if event.type == "first.step":
            published_inside.append(await publisher.publish(stream, "second.step", {}))

    origin = TraceContext.new()
    try:
        async with StreamConsumer(redis, fast_settings(stream), handle):
            with use_trace(origin):
                first = await publisher.publish(stream, "first.step", {})
            await publisher.publish(stream, "third.step", {})  # outside any trace: the publisher starts one
            await wait_until_async(lambda: len(traces) == 3, message="3 events handled")
    finally:
        handler_logger.removeHandler(capture)

    assert first.trace is not None and first.trace.trace_id == origin.trace_id
    second = published_inside[0]
    assert second.trace is not None and second.trace.trace_id == origin.trace_id
    assert second.trace.span_id not in (origin.span_id, first.trace.span_id)
    assert traces["first.step"] is not None and traces["first.step"].trace_id == origin.trace_id
    assert traces["second.step"] is not None and traces["second.step"].trace_id == origin.trace_id
    assert traces["third.step"] is not None and traces["third.step"].trace_id != origin.trace_id  # a new trace
    assert sorted(getattr(record, "trace_id", None) for record in records) == sorted(
        trace.trace_id for trace in traces.values() if trace is not None)
    assert current_trace() is None


async def test_streams_are_trimmed_to_about_their_retention(redis: Redis, stream: str, cleanup: None):
    publisher = EventPublisher(redis, source="/test-service", retention=StreamRetention(by_stream={stream: 10}))
    for n in range(600):
        await publisher.publish(stream, "notification.broadcast", {"n": n})
    length = await redis.xlen(stream)
    # MAXLEN ~ trims whole macro nodes (stream-node-max-entries, 100 by default): never below 10.
    assert 10 <= length <= 10 + 100, length
    assert StreamRetention().for_stream("platform.events") == 100_000
    assert StreamRetention().for_stream("inference.jobs") == 10_000
    assert StreamRetention().for_stream("platform.events.dlq") == 10_000


async def test_an_entry_is_acked_only_after_its_handler_succeeded(
    redis: Redis, stream: str, cleanup: None, metrics: EventMetrics
):
    release = asyncio.Event()
    started: list[CloudEvent] = []

    async def handle(event: CloudEvent) -> None:
        started.append(event)
        await release.wait()

    publisher = EventPublisher(redis, source="/test-service")
    async with StreamConsumer(redis, fast_settings(stream, dedupe_window_ms=60_000), handle, metrics=metrics):
        event = await publisher.publish(stream, "notification.broadcast", {})
        await wait_until_async(lambda: started)
        processed_key = f"{stream}:g1:processed:{event.id}"
        assert (await redis.xpending(stream, "g1"))["pending"] == 1
        assert not await redis.exists(processed_key)
        release.set()
        await wait_until_async(lambda: sample(metrics, "events_acked_total", stream=stream, group="g1") == 1)
        assert (await redis.xpending(stream, "g1"))["pending"] == 0
        assert 0 < await redis.pttl(processed_key) <= 60_000


async def test_a_failed_entry_stays_pending_and_is_handled_again_after_min_idle(
    redis: Redis, stream: str, cleanup: None, metrics: EventMetrics
):
    failures = Counter[str]()

    def fail_first_time(event: CloudEvent) -> bool:
        failures[event.id] += 1
        return failures[event.id] == 1

    handler = Recorder(fail=fail_first_time)
    publisher = EventPublisher(redis, source="/test-service")
    async with StreamConsumer(redis, fast_settings(stream), handler, metrics=metrics):
        event = await publisher.publish(stream, "notification.broadcast", {})
        await wait_until_async(lambda: handler.calls[event.id] == 1)
        assert (await redis.xpending(stream, "g1"))["pending"] == 1
        await wait_until_async(lambda: handler.events == [event], message="handled on the second delivery")
        await wait_until_async(lambda: sample(metrics, "events_acked_total", stream=stream, group="g1") == 1)
    assert handler.calls[event.id] == 2
    assert sample(metrics, "events_retried_total", stream=stream, group="g1") == 1
    assert (await redis.xpending(stream, "g1"))["pending"] == 0


async def test_an_always_failing_entry_is_dead_lettered_after_max_deliveries_and_later_entries_flow(
    redis: Redis, stream: str, cleanup: None, metrics: EventMetrics
):
    publisher = EventPublisher(redis, source="/test-service")
    poison = await publisher.publish(stream, "notification.broadcast", {"message": "poison"})
    handler = Recorder(fail=lambda event: event.id == poison.id)
    settings = fast_settings(stream, max_deliveries=3, consumer="c-dlq")
    async with StreamConsumer(redis, settings, handler, metrics=metrics):
        good = await publisher.publish(stream, "notification.broadcast", {"message": "fine"})
        await wait_until_async(lambda: handler.events == [good], message="the later entry handled")
        await wait_until_async(lambda: redis.xlen(f"{stream}.dlq"), message="a dead letter")
        later = await publisher.publish(stream, "notification.broadcast", {"message": "after"})
        await wait_until_async(lambda: handler.events == [good, later], message="entries after the dead letter")

    [(_, letter)] = await redis.xrange(f"{stream}.dlq")
    entry_id = (await redis.xrange(stream, count=1))[0][0]
    assert letter == {
        "cloudevent": poison.to_json(),
        "stream": stream,
        "entry_id": entry_id,
        "group": "g1",
        "consumer": "c-dlq",
        "deliveries": "3",
        "error": f"RuntimeError: boom on {poison.id}",
        "failed_at": letter["failed_at"],
    }
    assert re.fullmatch(RFC3339_MICROS, letter["failed_at"])
    assert datetime.fromisoformat(letter["failed_at"]) >= poison.occurred_at
    # Deliveries 1 and 2 failed and were retried; the handler failing on delivery 3 (= max) dead-lettered it.
    assert handler.calls[poison.id] == 3
    assert (await redis.xpending(stream, "g1"))["pending"] == 0
    assert sample(metrics, "events_dead_lettered_total", stream=stream, group="g1") == 1
    assert sample(metrics, "events_retried_total", stream=stream, group="g1") == 2
    assert sample(metrics, "events_acked_total", stream=stream, group="g1") == 2


async def test_malformed_entries_are_dead_lettered_at_once(
    redis: Redis, stream: str, cleanup: None, metrics: EventMetrics
):
    await redis.xadd(stream, {"something": "else"})
    await redis.xadd(stream, {"cloudevent": "not json at all"})
    await redis.xadd(stream, {"cloudevent": '{"specversion":"1.0","id":"nope"}'})
    handler = Recorder()
    publisher = EventPublisher(redis, source="/test-service")
    good = await publisher.publish(stream, "notification.broadcast", {})
    async with StreamConsumer(redis, fast_settings(stream, min_idle_ms=60_000), handler, metrics=metrics):
        await wait_until_async(lambda: handler.events == [good])
        await wait_until_async(lambda: sample(metrics, "events_dead_lettered_total", stream=stream, group="g1") == 3)

    letters = [fields for _, fields in await redis.xrange(f"{stream}.dlq")]
    assert [letter["cloudevent"] for letter in letters] == [
        '{"something":"else"}', "not json at all", '{"specversion":"1.0","id":"nope"}']
    assert all(letter["error"].startswith("malformed event: ") for letter in letters), letters
    assert "no 'cloudevent' field" in letters[0]["error"]
    assert "not JSON" in letters[1]["error"]
    assert "id: must be a UUID" in letters[2]["error"]
    assert all(letter["deliveries"] == "1" for letter in letters)
    assert (await redis.xpending(stream, "g1"))["pending"] == 0
    assert sample(metrics, "events_retried_total", stream=stream, group="g1") == 0


async def test_the_same_event_id_twice_is_handled_once(
    redis: Redis, stream: str, cleanup: None, metrics: EventMetrics
):
    publisher = EventPublisher(redis, source="/test-service")
    event = CloudEvent.create(source="/test-service", type="notification.broadcast", data={})
    await publisher.publish_event(stream, event)
    await publisher.publish_event(stream, event)
    handler = Recorder()
    async with StreamConsumer(redis, fast_settings(stream), handler, metrics=metrics):
        await wait_until_async(
            lambda: sample(metrics, "events_duplicates_skipped_total", stream=stream, group="g1") == 1)
    assert handler.calls == {event.id: 1}
    assert (await redis.xpending(stream, "g1"))["pending"] == 0


async def test_a_reclaimed_entry_whose_event_was_handled_meanwhile_is_skipped(
    redis: Redis, stream: str, cleanup: None, metrics: EventMetrics
):
    publisher = EventPublisher(redis, source="/test-service")
    event = CloudEvent.create(source="/test-service", type="notification.broadcast", data={})
    await redis.xgroup_create(stream, "g1", id="0", mkstream=True)
    await publisher.publish_event(stream, event)
    # A consumer that took the first entry and died: it stays pending under its name.
    [[_, [(first_entry, _)]]] = await redis.xreadgroup("g1", "dead-consumer", {stream: ">"}, count=1)
    await publisher.publish_event(stream, event)  # the same event again (a publisher's retry)
    handler = Recorder()
    async with StreamConsumer(redis, fast_settings(stream), handler, metrics=metrics):
        await wait_until_async(
            lambda: sample(metrics, "events_duplicates_skipped_total", stream=stream, group="g1") == 1,
            message="the reclaimed first entry skipped as a duplicate")
    assert handler.calls == {event.id: 1}
    assert await redis.xpending_range(stream, "g1", min="-", max="+", count=10) == []
    assert first_entry


async def test_stop_waits_for_the_handler_in_flight(redis: Redis, stream: str, cleanup: None):
    finished: list[str] = []
    started = asyncio.Event()

    async def slow(event: CloudEvent) -> None:
        started.set()
        await asyncio.sleep(0.5)
        finished.append(event.id)

    publisher = EventPublisher(redis, source="/test-service")
    consumer = StreamConsumer(redis, fast_settings(stream), slow)
    await consumer.start()
    event = await publisher.publish(stream, "notification.broadcast", {})
    await asyncio.wait_for(started.wait(), 10)
    await consumer.stop()
    assert finished == [event.id]
    assert (await redis.xpending(stream, "g1"))["pending"] == 0

    later = await publisher.publish(stream, "notification.broadcast", {})
    await asyncio.sleep(0.3)  # a stopped consumer reads nothing more (not a timing assertion: nothing runs)
    assert later.id not in finished


async def test_stop_gives_up_on_a_handler_that_outlasts_the_shutdown_timeout(
    redis: Redis, stream: str, cleanup: None
):
    started = asyncio.Event()

    async def stuck(event: CloudEvent) -> None:
        started.set()
        await asyncio.Event().wait()

    consumer = StreamConsumer(redis, fast_settings(stream, shutdown_timeout_ms=200), stuck)
    await consumer.start()
    await EventPublisher(redis, source="/test-service").publish(stream, "notification.broadcast", {})
    await asyncio.wait_for(started.wait(), 10)
    loop = asyncio.get_running_loop()
    begun = loop.time()
    await consumer.stop()
    assert loop.time() - begun < 2
    assert (await redis.xpending(stream, "g1"))["pending"] == 1  # left for another consumer to reclaim


async def test_pending_and_lag_gauges(redis: Redis, stream: str, cleanup: None, metrics: EventMetrics):
    publisher = EventPublisher(redis, source="/test-service")
    failing = await publisher.publish(stream, "notification.broadcast", {})
    for _ in range(3):
        await publisher.publish(stream, "notification.broadcast", {})
    await redis.xgroup_create(stream, "g1", id="0")
    await redis.xgroup_create(stream, "idle-group", id="0")  # nobody reads: all 4 entries are its lag

    handler = Recorder(fail=lambda event: event.id == failing.id)
    idle = StreamConsumer(redis, fast_settings(stream, group="idle-group", batch_size=1), Recorder(),
                          metrics=metrics)
    async with StreamConsumer(redis, fast_settings(stream, min_idle_ms=60_000), handler, metrics=metrics):
        await wait_until_async(lambda: len(handler.events) == 3)
        await wait_until_async(lambda: sample(metrics, "events_pending", stream=stream, group="g1") == 1,
                               message="the failed entry counted as pending")
        # Measured before its first read, the idle group's lag is the whole stream.
        await idle.observe_backlog()
    redis_major = int((await redis.info("server"))["redis_version"].split(".")[0])
    if redis_major >= 7:  # Redis 6.2 does not report the lag
        assert sample(metrics, "events_lag", stream=stream, group="g1") == 0
        assert sample(metrics, "events_lag", stream=stream, group="idle-group") == 4
