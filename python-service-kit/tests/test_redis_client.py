"""`create_redis_client`: which redis-py client each configuration gives (one node, a Redis Cluster, Redis Sentinel),
each with the kit's timeouts and text responses; and the backbone through a real Redis Sentinel's master."""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.sentinel import SentinelConnectionPool

from service_kit.events import EventHandlers, EventPublisher, StreamConsumer, TypedEvent
from service_kit.events.settings import ConsumerSettings
from service_kit.redis_client import COMMAND_TIMEOUT_SECONDS, CONNECT_TIMEOUT_SECONDS, create_redis_client
from service_kit.settings import RedisNode, RedisSettings
from service_kit_testing.checks import sample_broadcast
from service_kit_testing.processes import free_port, terminate
from service_kit_testing.redis_server import PrivateRedis
from service_kit_testing.waiting import wait_until_async

pytestmark = pytest.mark.anyio

KIT_OPTIONS = {"socket_timeout": COMMAND_TIMEOUT_SECONDS, "socket_connect_timeout": CONNECT_TIMEOUT_SECONDS,
               "decode_responses": True}


def options_of(connection_kwargs: dict[str, Any]) -> dict[str, Any]:
    return {name: connection_kwargs.get(name) for name in KIT_OPTIONS}


async def test_a_redis_url_gives_a_client_of_that_one_node():
    client = create_redis_client(RedisSettings.given(url="redis://cache:6380/2"))
    try:
        assert type(client) is Redis
        pool = client.connection_pool
        assert (pool.connection_kwargs["host"], pool.connection_kwargs["port"], pool.connection_kwargs["db"]) == (
            "cache", 6380, 2)
        assert options_of(pool.connection_kwargs) == KIT_OPTIONS
    finally:
        await client.aclose()


async def test_cluster_nodes_give_a_cluster_client_seeded_with_them():
    nodes = (RedisNode("redis-1", 7000), RedisNode("redis-2", 7001))
    client = create_redis_client(RedisSettings.given(url="redis://not-used:6379/0", cluster_nodes=nodes))
    try:
        assert isinstance(client, RedisCluster)
        assert list(client.nodes_manager.startup_nodes) == ["redis-1:7000", "redis-2:7001"]
        assert options_of(client.connection_kwargs) == KIT_OPTIONS
    finally:
        await client.aclose()


async def test_the_cluster_nodes_take_the_credentials_of_the_redis_url():
    nodes = (RedisNode("redis-1", 7000),)
    client = create_redis_client(RedisSettings.given(url="redis://platform:a-secret@not-used:6379/0",
                                                     cluster_nodes=nodes))
    try:
        assert (client.connection_kwargs["username"], client.connection_kwargs["password"]) == ("platform", "a-secret")
    finally:
        await client.aclose()


async def test_a_sentinel_master_gives_a_client_of_the_master_the_sentinels_name(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("REDIS_CLUSTER_NODES", raising=False)
    client = create_redis_client(RedisSettings(REDIS_URL="redis://not-used:6379/3", REDIS_SENTINEL_MASTER="platform",
                                               REDIS_SENTINEL_NODES="sentinel-1:26379,sentinel-2:26380"))
    try:
        assert isinstance(client, Redis)
        pool = client.connection_pool
        assert isinstance(pool, SentinelConnectionPool) and pool.service_name == "platform"
        assert pool.connection_kwargs["db"] == 3, "the database of REDIS_URL's path"
        assert options_of(pool.connection_kwargs) == KIT_OPTIONS
        sentinels = [sentinel.connection_pool.connection_kwargs for sentinel in pool.sentinel_manager.sentinels]
        assert [(s["host"], s["port"]) for s in sentinels] == [("sentinel-1", 26379), ("sentinel-2", 26380)]
    finally:
        await client.aclose()


@pytest.fixture
def sentinel(private_redis: PrivateRedis, tmp_path: Path) -> Iterator[RedisSettings]:
    """A real Redis Sentinel (redis-server --sentinel) watching the test's own Redis as master `platform`."""
    port = free_port()
    config = tmp_path / "sentinel.conf"  # the sentinel rewrites it: a file of the test's own
    config.write_text(f"port {port}\nbind 127.0.0.1\ndir {tmp_path}\n"
                      f"sentinel monitor platform 127.0.0.1 {private_redis.port} 1\n")
    process = subprocess.Popen([private_redis.binary, str(config), "--sentinel"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while subprocess.run(["redis-cli", "-p", str(port), "sentinel", "get-master-addr-by-name", "platform"],
                             capture_output=True, text=True).stdout.split() != ["127.0.0.1", str(private_redis.port)]:
            assert process.poll() is None and time.monotonic() < deadline, "the sentinel did not start"
            time.sleep(0.05)
        yield RedisSettings(REDIS_URL="redis://not-used:1/0", REDIS_CLUSTER_NODES="", REDIS_SENTINEL_MASTER="platform",
                            REDIS_SENTINEL_NODES=f"127.0.0.1:{port}")
    finally:
        terminate(process)


async def test_events_flow_through_the_master_a_real_sentinel_names(sentinel: RedisSettings,
                                                                    private_redis: PrivateRedis):
    redis = create_redis_client(sentinel)
    handled: list[str] = []

    async def handle(event: TypedEvent[Any]) -> None:
        handled.append(event.id)

    settings = ConsumerSettings(stream="test.sentinel", group="g1", consumer="c1", block_ms=100)
    try:
        async with StreamConsumer(redis, settings, EventHandlers().on_every_type(handle)):
            event = await EventPublisher(redis, source="/test-service").publish(sample_broadcast(), stream="test.sentinel")
            await wait_until_async(lambda: handled == [event.id], message="the event handled")
            await wait_until_async(lambda: _acknowledged(redis), message="the entry acknowledged")
        assert await redis.exists(f"{{test.sentinel}}:g1:processed:{event.id}")
    finally:
        await redis.aclose()
    # The master the sentinel named is the test's own Redis: the stream is there.
    direct = create_redis_client(RedisSettings.given(url=private_redis.url))
    try:
        assert await direct.xlen("test.sentinel") == 1
    finally:
        await direct.aclose()


async def _acknowledged(redis: Any) -> bool:
    return (await redis.xpending("test.sentinel", "g1"))["pending"] == 0


def test_closing_the_masters_client_closes_its_connections_to_the_sentinels(sentinel: RedisSettings):
    (node,) = sentinel.redis_sentinel_nodes

    def clients_of_the_sentinel() -> int:  # CLIENT LIST, asked by redis-cli: its own connection is one line
        listed = subprocess.run(["redis-cli", "-p", str(node.port), "client", "list"], capture_output=True, text=True)
        return len(listed.stdout.splitlines()) - 1

    async def ping_and_close() -> int:
        client = create_redis_client(sentinel)
        await client.ping()  # the sentinel was asked for the master's address
        connected = clients_of_the_sentinel()
        await client.aclose()
        return connected

    assert asyncio.run(ping_and_close()) == 1
    assert clients_of_the_sentinel() == 0
