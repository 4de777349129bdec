"""`EventPublisher.publish_later` against a real Redis: its queue reaches the stream in order, rides out a Redis
restart without losing or repeating an event, drops (and counts) what does not fit, and is flushed on shutdown."""

from __future__ import annotations

import asyncio
import json

import pytest
from opentelemetry import trace
from prometheus_client import generate_latest

from service_kit.events import CloudEvent, EventMetrics, EventPublisher
from service_kit.redis_client import RedisClient, create_redis_client
from service_kit.settings import RedisSettings
from service_kit_testing.checks import sample_broadcast
from service_kit_testing.redis_server import PrivateRedis
from service_kit_testing.spans import parent_span_id_of, recording_provider, span_id_of
from service_kit_testing.waiting import wait_until_async

pytestmark = pytest.mark.anyio


async def _ids_in(redis: RedisClient, stream: str) -> list[str]:
    return [json.loads(fields["cloudevent"])["id"] for _, fields in await redis.xrange(stream)]


def _dropped(metrics: EventMetrics, reason: str) -> float:
    return metrics.registry.get_sample_value("events_dropped_total", {"reason": reason}) or 0.0


def _publisher(redis: RedisClient, **options: float) -> tuple[EventPublisher, EventMetrics]:
    metrics = EventMetrics()
    return EventPublisher(redis, source="/test-service", metrics=metrics, retry_initial_seconds=0.02,
                          retry_max_seconds=0.1, **options), metrics


async def test_queued_events_reach_the_stream_in_order(redis: RedisClient, stream: str):
    publisher, metrics = _publisher(redis)
    async with publisher.sending():
        sent = [publisher.publish_later(sample_broadcast(f"{n}"), stream=stream) for n in range(300)]
        assert publisher.queued > 0, "publish_later returned before Redis took the events"
        await wait_until_async(lambda: _has(redis, stream, 300), message="300 events on the stream")
        sent += [publisher.publish_later(sample_broadcast("after a pause"), stream=stream)]
    assert await _ids_in(redis, stream) == [event.id for event in sent]
    [(_, fields)] = await redis.xrange(stream, count=1)
    assert json.loads(fields["cloudevent"]) == json.loads(sent[0].model_dump_json())
    assert metrics.registry.get_sample_value(
        "events_published_total", {"stream": stream, "type": "notification.broadcast"}) == 301


async def _has(redis: RedisClient, stream: str, count: int) -> bool:
    return await redis.xlen(stream) >= count


async def test_events_queued_while_redis_is_down_are_all_sent_once_it_is_back(private_redis: PrivateRedis):
    redis = create_redis_client(RedisSettings.given(url=private_redis.url))
    stream = "test.publish-later.restart"
    publisher, metrics = _publisher(redis)
    try:
        async with publisher.sending():
            before = [publisher.publish_later(sample_broadcast(f"before {n}"), stream=stream) for n in range(5)]
            await wait_until_async(lambda: _has(redis, stream, 5), message="the events before the outage")
            await asyncio.to_thread(private_redis.stop)
            during = [publisher.publish_later(sample_broadcast(f"during {n}"), stream=stream) for n in range(200)]
            await asyncio.sleep(0.5)  # several failed attempts, each of the whole queue
            assert publisher.queued == 200, "nothing leaves the queue before Redis took it"
            await asyncio.to_thread(private_redis.start)  # same port, empty (no persistence): only what was queued
            after = [publisher.publish_later(sample_broadcast(f"after {n}"), stream=stream) for n in range(5)]
            await wait_until_async(lambda: _has(redis, stream, 205), timeout=20, message="the queue sent after")
        assert await _ids_in(redis, stream) == [event.id for event in during + after], "none lost, repeated or moved"
        assert len(before) == 5 and _dropped(metrics, "queue_full") == _dropped(metrics, "shutdown") == 0
    finally:
        await redis.aclose()


async def test_a_full_queue_drops_and_counts_the_new_events(private_redis: PrivateRedis,
                                                            caplog: pytest.LogCaptureFixture):
    redis = create_redis_client(RedisSettings.given(url=private_redis.url))
    stream = "test.publish-later.full"
    publisher, metrics = _publisher(redis, queue_capacity=20)
    try:
        async with publisher.sending():
            await asyncio.to_thread(private_redis.stop)
            kept = [publisher.publish_later(sample_broadcast(f"{n}"), stream=stream) for n in range(20)]
            for n in range(7):
                publisher.publish_later(sample_broadcast(f"too many {n}"), stream=stream)
            assert (publisher.queued, _dropped(metrics, "queue_full")) == (20, 7)
            await asyncio.to_thread(private_redis.start)
            await wait_until_async(lambda: _has(redis, stream, 20), timeout=20, message="the queue sent after")
        assert await _ids_in(redis, stream) == [event.id for event in kept]
        assert any("dropped" in record.getMessage() and "queue_full" in record.getMessage()
                   for record in caplog.records)
    finally:
        await redis.aclose()


async def test_leaving_sending_flushes_the_queue(redis: RedisClient, stream: str):
    publisher, metrics = _publisher(redis)
    async with publisher.sending():
        sent = [publisher.publish_later(sample_broadcast(f"{n}"), stream=stream) for n in range(2500)]
    assert publisher.queued == 0
    assert await _ids_in(redis, stream) == [event.id for event in sent]
    assert _dropped(metrics, "shutdown") == 0


async def test_what_cannot_be_sent_by_the_deadline_is_dropped_and_counted(private_redis: PrivateRedis):
    redis = create_redis_client(RedisSettings.given(url=private_redis.url))
    publisher, metrics = _publisher(redis, flush_deadline_seconds=0.3)
    try:
        async with publisher.sending():
            await asyncio.to_thread(private_redis.stop)
            for n in range(4):
                publisher.publish_later(sample_broadcast(f"{n}"), stream="test.publish-later.deadline")
        assert (publisher.queued, _dropped(metrics, "shutdown")) == (0, 4)
    finally:
        await redis.aclose()


async def test_publish_later_needs_a_running_sender(redis: RedisClient, stream: str):
    publisher, _ = _publisher(redis)
    with pytest.raises(RuntimeError, match="sending"):
        publisher.publish_later(sample_broadcast(), stream=stream)
    async with publisher.sending():
        pass
    with pytest.raises(RuntimeError, match="sending"):
        publisher.publish_later(sample_broadcast(), stream=stream)


async def test_the_queued_event_carries_its_send_span_as_trace_context(redis: RedisClient, stream: str):
    provider, spans = recording_provider()
    tracer = provider.get_tracer("test")
    publisher = EventPublisher(redis, source="/test-service", metrics=EventMetrics(), tracer=tracer)
    async with publisher.sending():
        with tracer.start_as_current_span("request") as request_span:
            event: CloudEvent = publisher.publish_later(sample_broadcast(), stream=stream)
    send = spans.one(f"send {stream}")
    assert parent_span_id_of(send) == span_id_of(spans.one("request"))
    context = request_span.get_span_context()
    assert event.traceparent.split("-")[1:3] == [trace.format_trace_id(context.trace_id), span_id_of(send)]
    assert send.attributes["messaging.message.id"] == event.id
    [(_, fields)] = await redis.xrange(stream)
    assert json.loads(fields["cloudevent"])["traceparent"] == event.traceparent


async def test_both_drop_reasons_are_exported_at_zero_before_any_drop():
    """The EventsDropped alert takes increase() of these series: a series born at its first drop would hide it."""
    exposition = generate_latest(EventMetrics().registry).decode()
    assert 'events_dropped_total{reason="queue_full"} 0.0' in exposition
    assert 'events_dropped_total{reason="shutdown"} 0.0' in exposition
