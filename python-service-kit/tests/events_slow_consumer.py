"""A consumer process for test_events_resilience.py: a slow handler that records, per event id, when it
started (HINCRBY <stream>:started) and when it completed (HINCRBY <stream>:completed).

    python events_slow_consumer.py <redis url> <stream> <group> <consumer name> <handler seconds>
"""

import asyncio
import sys

from typing import Any

from service_kit.events import EventHandlers, EventSettings, StreamConsumer, TypedEvent
from service_kit.redis_client import create_redis_client


async def main(redis_url: str, stream: str, group: str, consumer: str, seconds: float) -> None:
    redis = create_redis_client(redis_url)

    async def slow(event: TypedEvent[Any]) -> None:
        await redis.hincrby(f"{stream}:started", event.id, 1)
        await asyncio.sleep(seconds)
        await redis.hincrby(f"{stream}:completed", event.id, 1)

    settings = EventSettings().consumer(stream=stream, group=group, consumer=consumer, block_ms=100)
    await StreamConsumer(redis, settings, EventHandlers().on_every_type(slow)).run()  # until killed


if __name__ == "__main__":
    url, stream_name, group_name, consumer_name, handler_seconds = sys.argv[1:]
    asyncio.run(main(url, stream_name, group_name, consumer_name, float(handler_seconds)))
