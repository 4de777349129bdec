"""A consumer process for test_events_resilience.py: a slow handler that records, per event id, when it
started (HINCRBY <stream>:started) and when it completed (HINCRBY <stream>:completed).

    python events_slow_consumer.py <stream> <group> <consumer name> <handler seconds>

Its Redis is the environment's, as a service's is (REDIS_URL, or REDIS_CLUSTER_NODES: a Redis Cluster).
"""

import asyncio
import sys

from typing import Any

from service_kit.events import EventHandlers, EventSettings, StreamConsumer, TypedEvent
from service_kit.redis_client import create_redis_client
from service_kit.settings import RedisSettings, settings_or_exit


async def main(stream: str, group: str, consumer: str, seconds: float) -> None:
    redis = create_redis_client(settings_or_exit(RedisSettings))

    async def slow(event: TypedEvent[Any]) -> None:
        await redis.hincrby(f"{stream}:started", event.id, 1)
        await asyncio.sleep(seconds)
        await redis.hincrby(f"{stream}:completed", event.id, 1)

    settings = EventSettings().consumer(stream=stream, group=group, consumer=consumer, block_ms=100)
    await StreamConsumer(redis, settings, EventHandlers().on_every_type(slow)).run()  # until killed


if __name__ == "__main__":
    stream_name, group_name, consumer_name, handler_seconds = sys.argv[1:]
    asyncio.run(main(stream_name, group_name, consumer_name, float(handler_seconds)))
