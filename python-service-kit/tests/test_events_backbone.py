"""The event backbone against the real Redis of REDIS_URL: publish, consume, ack only after success, reclaim,
dead letters, idempotency, graceful shutdown, trace continuation, typed dispatch, metrics. Each test has its own
streams."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

import pytest
from contract_types.event_types import NOTIFICATION_BROADCAST, USER_DELETED, USER_REGISTERED, USER_ROLE_CHANGED
from contract_types.events import NotificationBroadcast, UserDeleted, UserRegistered, UserRoleChanged
from opentelemetry import trace

from service_kit.events import (
    CloudEvent,
    ConsumerSettings,
    EventHandlers,
    EventMetrics,
    EventPublisher,
    StreamConsumer,
    StreamRetention,
    TypedEvent,
    new_event,
    occurred_at,
)
from service_kit.redis_client import RedisClient
from service_kit_testing.events import delete_keys_of_stream
from service_kit_testing.waiting import wait_until_async

pytestmark = pytest.mark.anyio

RFC3339_MICROS = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z"
USER = "3f2c1d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f"
ADMIN = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


def broadcast(message: str = "hello") -> NotificationBroadcast:
    return NotificationBroadcast(broadcast_id="1b4e28ba-2fa1-4d2b-8f3a-6b7c9d0e1f20", message=message,
                                 severity="info", sent_by=ADMIN, sent_at="2026-11-24T21:00:00Z")


def registered() -> UserRegistered:
    return UserRegistered(user_id=USER, email="ada@example.com", name="Ada Lovelace", role="user",
                          registered_at="2026-11-24T17:41:00Z")


def role_changed() -> UserRoleChanged:
    return UserRoleChanged(user_id=USER, old_role="user", new_role="admin", changed_by=ADMIN,
                           changed_at="2026-11-24T17:42:00Z")


def deleted() -> UserDeleted:
    return UserDeleted(user_id=USER, deleted_by=ADMIN, deleted_at="2026-11-24T17:43:00Z")


@pytest.fixture
def stream(unique_name: Callable[[str], str]) -> str:
    return unique_name("test.events")


@pytest.fixture
async def cleanup(redis: RedisClient, stream: str) -> AsyncIterator[None]:
    yield
    await delete_keys_of_stream(redis, stream)


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
    """A handler that records the envelopes it saw; `fail` decides per event whether to raise."""

    def __init__(self, fail: Callable[[TypedEvent[Any]], bool] = lambda event: False) -> None:
        self.events: list[CloudEvent] = []
        self.typed: list[TypedEvent[Any]] = []
        self.calls: Counter[str] = Counter()
        self.fail = fail

    async def __call__(self, event: TypedEvent[Any]) -> None:
        self.calls[event.id] += 1
        if self.fail(event):
            raise RuntimeError(f"boom on {event.id}")
        self.events.append(event.envelope)
        self.typed.append(event)


def every(handler: Callable[[TypedEvent[Any]], Any]) -> EventHandlers:
    return EventHandlers().on_every_type(handler)


async def test_published_events_reach_the_handler_once_and_are_acked(
    redis: RedisClient, stream: str, cleanup: None, metrics: EventMetrics
):
    publisher = EventPublisher(redis, source="/test-service", metrics=metrics)
    handler = Recorder()
    async with StreamConsumer(redis, fast_settings(stream), every(handler), metrics=metrics):
        sent = [await publisher.publish(broadcast(f"m{n}"), subject=f"s{n}", stream=stream)
                for n in range(3)]
        await wait_until_async(lambda: len(handler.events) == 3, message="3 events handled")
        await wait_until_async(lambda: sample(metrics, "events_acked_total", stream=stream, group="g1") == 3)

    assert handler.events == sent
    assert sent[0].source == "/test-service" and sent[0].subject == "s0"
    assert sent[0].dataschema == "https://polyglot.dev/schemas/events/notification.broadcast.json"
    assert re.fullmatch(RFC3339_MICROS, sent[0].time)
    entries = await redis.xrange(stream)
    assert [fields for _, fields in entries] == [{"cloudevent": event.model_dump_json()} for event in sent]
    assert (await redis.xpending(stream, "g1"))["pending"] == 0
    assert sample(metrics, "events_published_total", stream=stream, type="notification.broadcast") == 3
    assert sample(metrics, "events_consumed_total", stream=stream, group="g1") == 3
    assert sample(metrics, "event_handler_seconds_count", stream=stream, group="g1") == 3
    assert sample(metrics, "events_retried_total", stream=stream, group="g1") == 0


async def test_consumer_group_is_created_from_the_start_of_the_stream(redis: RedisClient, stream: str, cleanup: None):
    publisher = EventPublisher(redis, source="/test-service")
    before = await publisher.publish(broadcast("before the group"), stream=stream)
    await redis.xgroup_create(stream, "existing", id="$")  # BUSYGROUP must be ignored
    handler = Recorder()
    async with StreamConsumer(redis, fast_settings(stream, group="fresh"), every(handler)):
        await wait_until_async(lambda: handler.events == [before])
    async with StreamConsumer(redis, fast_settings(stream, group="existing"), every(Recorder())):
        pass


async def test_streams_are_trimmed_to_about_their_retention(redis: RedisClient, stream: str, cleanup: None):
    publisher = EventPublisher(redis, source="/test-service", retention=StreamRetention(by_stream={stream: 10}))
    for n in range(600):
        await publisher.publish(broadcast(f"{n}"), stream=stream)
    length = await redis.xlen(stream)
    # MAXLEN ~ trims whole macro nodes (stream-node-max-entries, 100 by default): never below 10.
    assert 10 <= length <= 10 + 100, length
    assert StreamRetention().for_stream("platform.events") == 100_000
    assert StreamRetention().for_stream("inference.jobs") == 10_000
    assert StreamRetention().for_stream("platform.events.dlq") == 10_000


async def test_an_entry_is_acked_only_after_its_handler_succeeded(
    redis: RedisClient, stream: str, cleanup: None, metrics: EventMetrics
):
    release = asyncio.Event()
    started: list[CloudEvent] = []

    async def handle(event: TypedEvent[Any]) -> None:
        started.append(event)
        await release.wait()

    publisher = EventPublisher(redis, source="/test-service")
    async with StreamConsumer(redis, fast_settings(stream, dedupe_window_ms=60_000), every(handle), metrics=metrics):
        event = await publisher.publish(broadcast(), stream=stream)
        await wait_until_async(lambda: started)
        processed_key = f"{{{stream}}}:g1:processed:{event.id}"
        assert (await redis.xpending(stream, "g1"))["pending"] == 1
        assert not await redis.exists(processed_key)
        release.set()
        await wait_until_async(lambda: sample(metrics, "events_acked_total", stream=stream, group="g1") == 1)
        assert (await redis.xpending(stream, "g1"))["pending"] == 0
        assert 0 < await redis.pttl(processed_key) <= 60_000


async def test_a_failed_entry_stays_pending_and_is_handled_again_after_min_idle(
    redis: RedisClient, stream: str, cleanup: None, metrics: EventMetrics
):
    failures = Counter[str]()

    def fail_first_time(event: TypedEvent[Any]) -> bool:
        failures[event.id] += 1
        return failures[event.id] == 1

    handler = Recorder(fail=fail_first_time)
    publisher = EventPublisher(redis, source="/test-service")
    async with StreamConsumer(redis, fast_settings(stream), every(handler), metrics=metrics):
        event = await publisher.publish(broadcast(), stream=stream)
        await wait_until_async(lambda: handler.calls[event.id] == 1)
        assert (await redis.xpending(stream, "g1"))["pending"] == 1
        await wait_until_async(lambda: handler.events == [event], message="handled on the second delivery")
        await wait_until_async(lambda: sample(metrics, "events_acked_total", stream=stream, group="g1") == 1)
    assert handler.calls[event.id] == 2
    assert sample(metrics, "events_retried_total", stream=stream, group="g1") == 1
    assert (await redis.xpending(stream, "g1"))["pending"] == 0


async def test_an_always_failing_entry_is_dead_lettered_after_max_deliveries_and_later_entries_flow(
    redis: RedisClient, stream: str, cleanup: None, metrics: EventMetrics
):
    publisher = EventPublisher(redis, source="/test-service")
    poison = await publisher.publish(broadcast("poison"), stream=stream)
    handler = Recorder(fail=lambda event: event.id == poison.id)
    settings = fast_settings(stream, max_deliveries=3, consumer="c-dlq")
    async with StreamConsumer(redis, settings, every(handler), metrics=metrics):
        good = await publisher.publish(broadcast("fine"), stream=stream)
        await wait_until_async(lambda: handler.events == [good], message="the later entry handled")
        await wait_until_async(lambda: redis.xlen(f"{stream}.dlq"), message="a dead letter")
        later = await publisher.publish(broadcast("after"), stream=stream)
        await wait_until_async(lambda: handler.events == [good, later], message="entries after the dead letter")

    [(_, letter)] = await redis.xrange(f"{stream}.dlq")
    entry_id = (await redis.xrange(stream, count=1))[0][0]
    assert letter == {
        "cloudevent": poison.model_dump_json(),
        "stream": stream,
        "entry_id": entry_id,
        "group": "g1",
        "consumer": "c-dlq",
        "deliveries": "3",
        "error": f"RuntimeError: boom on {poison.id}",
        "failed_at": letter["failed_at"],
    }
    assert re.fullmatch(RFC3339_MICROS, letter["failed_at"])
    assert datetime.fromisoformat(letter["failed_at"]) >= occurred_at(poison)
    # Deliveries 1 and 2 failed and were retried; the handler failing on delivery 3 (= max) dead-lettered it.
    assert handler.calls[poison.id] == 3
    assert (await redis.xpending(stream, "g1"))["pending"] == 0
    assert sample(metrics, "events_dead_lettered_total", stream=stream, group="g1") == 1
    assert sample(metrics, "events_retried_total", stream=stream, group="g1") == 2
    assert sample(metrics, "events_acked_total", stream=stream, group="g1") == 2


async def test_malformed_entries_are_dead_lettered_at_once(
    redis: RedisClient, stream: str, cleanup: None, metrics: EventMetrics
):
    await redis.xadd(stream, {"something": "else"})
    await redis.xadd(stream, {"cloudevent": "not json at all"})
    await redis.xadd(stream, {"cloudevent": '{"specversion":"1.0","id":"nope"}'})
    handler = Recorder()
    publisher = EventPublisher(redis, source="/test-service")
    good = await publisher.publish(broadcast(), stream=stream)
    async with StreamConsumer(redis, fast_settings(stream, min_idle_ms=60_000), every(handler), metrics=metrics):
        await wait_until_async(lambda: handler.events == [good])
        await wait_until_async(lambda: sample(metrics, "events_dead_lettered_total", stream=stream, group="g1") == 3)

    letters = [fields for _, fields in await redis.xrange(f"{stream}.dlq")]
    assert [letter["cloudevent"] for letter in letters] == [
        '{"something":"else"}', "not json at all", '{"specversion":"1.0","id":"nope"}']
    assert all(letter["error"].startswith("malformed event: ") for letter in letters), letters
    assert "no 'cloudevent' field" in letters[0]["error"]
    assert "$: Invalid JSON" in letters[1]["error"]
    assert "id: String should match pattern" in letters[2]["error"]
    assert "source: Field required" in letters[2]["error"]
    assert all(letter["deliveries"] == "1" for letter in letters)
    assert (await redis.xpending(stream, "g1"))["pending"] == 0
    assert sample(metrics, "events_retried_total", stream=stream, group="g1") == 0


async def test_a_payload_that_breaks_its_schema_is_dead_lettered_at_once(
    redis: RedisClient, stream: str, cleanup: None, metrics: EventMetrics
):
    publisher = EventPublisher(redis, source="/test-service")
    valid = new_event(broadcast(), source="/test-service")
    # A valid envelope around a payload the contract refuses (another publisher's bug): no delivery would help.
    broken = valid.model_copy(update={"id": "0d9bd1a4-5a4e-4a8e-9a55-2f1f3f1f6b0e",
                                      "data": {**valid.data, "severity": "catastrophic", "sentBy": "x"}})
    await publisher.publish_event(broken, stream=stream)
    good = await publisher.publish(broadcast("fine"), stream=stream)
    handler = Recorder()
    async with StreamConsumer(redis, fast_settings(stream, min_idle_ms=60_000), every(handler), metrics=metrics):
        await wait_until_async(lambda: handler.events == [good], message="the valid event after it handled")
        await wait_until_async(lambda: sample(metrics, "events_dead_lettered_total", stream=stream, group="g1") == 1)

    [(_, letter)] = await redis.xrange(f"{stream}.dlq")
    assert letter["cloudevent"] == broken.model_dump_json()
    assert letter["deliveries"] == "1"
    assert letter["error"].startswith("malformed event: ")
    assert "data.severity: Input should be 'info', 'warning' or 'critical'" in letter["error"]
    assert "data.sentBy: Extra inputs are not permitted" in letter["error"]
    assert handler.calls[broken.id] == 0
    assert sample(metrics, "events_retried_total", stream=stream, group="g1") == 0


async def test_handlers_get_the_payload_model_of_their_type_and_other_types_are_acked_and_ignored(
    redis: RedisClient, stream: str, cleanup: None, metrics: EventMetrics
):
    publisher = EventPublisher(redis, source="/test-service")
    deletions, registrations = Recorder(), Recorder()
    handlers = EventHandlers().on(USER_DELETED, deletions).on(USER_REGISTERED, registrations)
    async with StreamConsumer(redis, fast_settings(stream), handlers, metrics=metrics):
        ignored = await publisher.publish(broadcast(), stream=stream)
        deletion = await publisher.publish(deleted(), subject=USER, stream=stream)
        registration = await publisher.publish(registered(), stream=stream)
        await wait_until_async(lambda: sample(metrics, "events_acked_total", stream=stream, group="g1") == 3)

    assert deletions.events == [deletion] and registrations.events == [registration]
    [typed] = deletions.typed
    assert typed.data == deleted() and isinstance(typed.data, UserDeleted)
    assert (typed.id, typed.type, typed.source, typed.subject) == (deletion.id, "user.deleted", "/test-service", USER)
    assert typed.occurred_at == occurred_at(deletion)
    carried = trace.get_current_span(typed.trace_context).get_span_context()
    assert (carried.trace_id, carried.span_id) == (int(deletion.traceparent.split("-")[1], 16),
                                                   int(deletion.traceparent.split("-")[2], 16))
    assert registrations.typed[0].subject is None
    assert (await redis.xpending(stream, "g1"))["pending"] == 0
    # Ignored: acknowledged without running a handler or remembering its id.
    assert not await redis.exists(f"{{{stream}}}:g1:processed:{ignored.id}")
    assert await redis.exists(f"{{{stream}}}:g1:processed:{deletion.id}")
    assert sample(metrics, "event_handler_seconds_count", stream=stream, group="g1") == 2


def test_a_type_has_one_handler_and_there_is_one_every_type_handler():
    handlers = EventHandlers().on(USER_DELETED, Recorder())
    with pytest.raises(ValueError, match="user.deleted has a handler already"):
        handlers.on(USER_DELETED, Recorder())
    handlers.on_every_type(Recorder())
    with pytest.raises(ValueError, match="every-type handler already"):
        handlers.on_every_type(Recorder())
    assert EventHandlers().on(USER_DELETED, Recorder()).handled_types == {"user.deleted"}
    assert "notification.broadcast" in handlers.handled_types


async def test_the_every_type_handler_gets_what_has_no_handler_of_its_own_and_only_the_contracts_types():
    specific, everything = Recorder(), Recorder()
    handlers = EventHandlers().on(USER_DELETED, specific).on_every_type(everything)
    deletion = new_event(deleted(), source="/test-service")
    unknown = new_event(broadcast(), source="/test-service").model_copy(update={"type": "demo.unknown"})

    for event in (deletion, new_event(broadcast(), source="/test-service")):
        delivery = handlers.route(event)
        assert delivery is not None
        await delivery()
    assert [event.type for event in specific.events] == ["user.deleted"]
    assert [event.type for event in everything.events] == ["notification.broadcast"]
    assert handlers.route(unknown) is None  # no payload model to give it: acked and ignored


async def test_the_same_event_id_twice_is_handled_once(
    redis: RedisClient, stream: str, cleanup: None, metrics: EventMetrics
):
    publisher = EventPublisher(redis, source="/test-service")
    event = new_event(broadcast(), source="/test-service")
    await publisher.publish_event(event, stream=stream)
    await publisher.publish_event(event, stream=stream)
    handler = Recorder()
    async with StreamConsumer(redis, fast_settings(stream), every(handler), metrics=metrics):
        await wait_until_async(
            lambda: sample(metrics, "events_duplicates_skipped_total", stream=stream, group="g1") == 1)
    assert handler.calls == {event.id: 1}
    assert (await redis.xpending(stream, "g1"))["pending"] == 0


async def test_a_batch_with_some_events_handled_already_handles_only_the_new_ones(
    redis: RedisClient, stream: str, cleanup: None, metrics: EventMetrics
):
    publisher = EventPublisher(redis, source="/test-service")
    events = [new_event(broadcast(f"{n}"), source="/test-service") for n in range(6)]
    for old in events[::2]:  # handled by an earlier consumer of the group: their keys exist
        await redis.set(f"{{{stream}}}:g1:processed:{old.id}", 1, px=60_000)
    await redis.xgroup_create(stream, "g1", id="0", mkstream=True)
    for event in events:
        await publisher.publish_event(event, stream=stream)
    await publisher.publish_event(events[1], stream=stream)  # and a new one twice in the same batch
    handler = Recorder()
    async with StreamConsumer(redis, fast_settings(stream, batch_size=16), every(handler), metrics=metrics):
        await wait_until_async(lambda: sample(metrics, "events_acked_total", stream=stream, group="g1") == 3,
                               message="the batch acknowledged")
    assert handler.calls == {event.id: 1 for event in events[1::2]}
    assert sample(metrics, "events_duplicates_skipped_total", stream=stream, group="g1") == 4
    assert (await redis.xpending(stream, "g1"))["pending"] == 0
    for event in events:
        assert await redis.pttl(f"{{{stream}}}:g1:processed:{event.id}") > 0


async def test_a_consumer_gone_after_its_handlers_and_before_the_batch_ack_leaves_them_handled_once(
    redis: RedisClient, stream: str, cleanup: None, metrics: EventMetrics
):
    publisher = EventPublisher(redis, source="/test-service")
    events = [await publisher.publish(broadcast(f"{n}"), stream=stream) for n in range(4)]
    last_started = asyncio.Event()
    completed: Counter[str] = Counter()

    async def stuck_on_the_last(event: TypedEvent[Any]) -> None:
        if event.id == events[-1].id:
            last_started.set()
            await asyncio.Event().wait()  # its consumer is given up on here: cancelled, as a crash would stop it
        completed[event.id] += 1

    first = StreamConsumer(redis, fast_settings(stream, consumer="c1", shutdown_timeout_ms=100, min_idle_ms=300),
                           every(stuck_on_the_last), metrics=metrics)
    await first.start()
    await asyncio.wait_for(last_started.wait(), 10)
    await first.stop()
    # Three handlers returned, none of the four entries acknowledged (the batch never ended), three keys written.
    assert (await redis.xpending(stream, "g1"))["pending"] == 4
    assert sample(metrics, "events_acked_total", stream=stream, group="g1") == 0
    for event in events[:3]:
        assert await redis.exists(f"{{{stream}}}:g1:processed:{event.id}")

    async def record(event: TypedEvent[Any]) -> None:
        completed[event.id] += 1

    rescuer_metrics = EventMetrics()
    async with StreamConsumer(redis, fast_settings(stream, consumer="c2", min_idle_ms=300), every(record),
                              metrics=rescuer_metrics):
        await wait_until_async(lambda: _no_pending(redis, stream), message="the entries reclaimed and acknowledged")
    assert completed == {event.id: 1 for event in events}
    assert sample(rescuer_metrics, "events_duplicates_skipped_total", stream=stream, group="g1") == 3


async def _no_pending(redis: RedisClient, stream: str) -> bool:
    return (await redis.xpending(stream, "g1"))["pending"] == 0


async def test_a_reclaimed_entry_whose_event_was_handled_meanwhile_is_skipped(
    redis: RedisClient, stream: str, cleanup: None, metrics: EventMetrics
):
    publisher = EventPublisher(redis, source="/test-service")
    event = new_event(broadcast(), source="/test-service")
    await redis.xgroup_create(stream, "g1", id="0", mkstream=True)
    await publisher.publish_event(event, stream=stream)
    # A consumer that took the first entry and died: it stays pending under its name.
    [[_, [(first_entry, _)]]] = await redis.xreadgroup("g1", "dead-consumer", {stream: ">"}, count=1)
    await publisher.publish_event(event, stream=stream)  # the same event again (a publisher's retry)
    handler = Recorder()
    async with StreamConsumer(redis, fast_settings(stream), every(handler), metrics=metrics):
        await wait_until_async(
            lambda: sample(metrics, "events_duplicates_skipped_total", stream=stream, group="g1") == 1,
            message="the reclaimed first entry skipped as a duplicate")
    assert handler.calls == {event.id: 1}
    assert await redis.xpending_range(stream, "g1", min="-", max="+", count=10) == []
    assert first_entry


async def test_stop_waits_for_the_handler_in_flight(redis: RedisClient, stream: str, cleanup: None):
    finished: list[str] = []
    started = asyncio.Event()

    async def slow(event: TypedEvent[Any]) -> None:
        started.set()
        await asyncio.sleep(0.5)
        finished.append(event.id)

    publisher = EventPublisher(redis, source="/test-service")
    consumer = StreamConsumer(redis, fast_settings(stream), every(slow))
    await consumer.start()
    event = await publisher.publish(broadcast(), stream=stream)
    await asyncio.wait_for(started.wait(), 10)
    await consumer.stop()
    assert finished == [event.id]
    assert (await redis.xpending(stream, "g1"))["pending"] == 0

    later = await publisher.publish(broadcast(), stream=stream)
    await asyncio.sleep(0.3)  # a stopped consumer reads nothing more (not a timing assertion: nothing runs)
    assert later.id not in finished


async def test_stop_gives_up_on_a_handler_that_outlasts_the_shutdown_timeout(
    redis: RedisClient, stream: str, cleanup: None
):
    started = asyncio.Event()

    async def stuck(event: TypedEvent[Any]) -> None:
        started.set()
        await asyncio.Event().wait()

    consumer = StreamConsumer(redis, fast_settings(stream, shutdown_timeout_ms=200), every(stuck))
    await consumer.start()
    await EventPublisher(redis, source="/test-service").publish(broadcast(), stream=stream)
    await asyncio.wait_for(started.wait(), 10)
    loop = asyncio.get_running_loop()
    begun = loop.time()
    await consumer.stop()
    assert loop.time() - begun < 2
    assert (await redis.xpending(stream, "g1"))["pending"] == 1  # left for another consumer to reclaim


async def test_pending_and_lag_gauges(redis: RedisClient, stream: str, cleanup: None, metrics: EventMetrics):
    publisher = EventPublisher(redis, source="/test-service")
    failing = await publisher.publish(broadcast(), stream=stream)
    for _ in range(3):
        await publisher.publish(broadcast(), stream=stream)
    await redis.xgroup_create(stream, "g1", id="0")
    await redis.xgroup_create(stream, "idle-group", id="0")  # nobody reads: all 4 entries are its lag

    handler = Recorder(fail=lambda event: event.id == failing.id)
    idle = StreamConsumer(redis, fast_settings(stream, group="idle-group", batch_size=1), every(Recorder()),
                          metrics=metrics)
    async with StreamConsumer(redis, fast_settings(stream, min_idle_ms=60_000), every(handler), metrics=metrics):
        await wait_until_async(lambda: len(handler.events) == 3)
        await wait_until_async(lambda: sample(metrics, "events_pending", stream=stream, group="g1") == 1,
                               message="the failed entry counted as pending")
        # Measured before its first read, the idle group's lag is the whole stream.
        await idle.observe_backlog()
    redis_major = int((await redis.info("server"))["redis_version"].split(".")[0])
    if redis_major >= 7:  # Redis 6.2 does not report the lag
        assert sample(metrics, "events_lag", stream=stream, group="g1") == 0
        assert sample(metrics, "events_lag", stream=stream, group="idle-group") == 4
