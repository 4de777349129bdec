"""The service's Redis client (redis-py's asyncio API): one per app, opened and closed by its lifespan.

Which client depends on the settings (`RedisSettings`): one node (REDIS_URL) gives a `Redis`; a Redis Cluster
(REDIS_CLUSTER_NODES) a `RedisCluster`, which routes each command to the node of its key's slot and follows the
cluster's resharding and failovers; Redis Sentinel (REDIS_SENTINEL_MASTER, REDIS_SENTINEL_NODES) a `Redis` whose
connections ask the sentinels for the current master, so that a failover only costs the commands in flight.
The code above it is the same for all three: in a cluster the keys of one MULTI/EXEC or one Lua script must
share a slot, which the platform's key names see to with hash tags (`{<stream>}:<group>:processed:<event id>`,
`inference:job:{<id>}:input`): Redis hashes only the text between the first braces.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from redis.asyncio import Redis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import Sentinel, SentinelConnectionPool
from redis.backoff import ExponentialWithJitterBackoff

from service_kit.settings import RedisSettings

# What create_redis_client returns; the commands the platform uses are the same on both.
RedisClient = Redis | RedisCluster

# redis-py retries a failed connection 10 times by default, backing off up to 1 s each time: a health
# check against a Redis that is down would then hang for seconds. A few quick retries still ride out a
# dropped connection, and an outage shows on /health within a second.
CONNECT_TIMEOUT_SECONDS = 2.0
COMMAND_TIMEOUT_SECONDS = 5.0  # keep blocking reads (XREADGROUP BLOCK) shorter than this
RETRY_POLICY = Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.5), retries=3)


def create_redis_client(settings: RedisSettings) -> RedisClient:
    """The client of the Redis that `settings` name (a `ServiceSettings` is one). Connects lazily, on first use:
    a service starts (and reports DOWN) while Redis is unreachable."""
    options: dict[str, Any] = {
        "socket_connect_timeout": CONNECT_TIMEOUT_SECONDS,
        "socket_timeout": COMMAND_TIMEOUT_SECONDS,
        "retry": RETRY_POLICY,
        # Everything the platform puts in Redis is text (JSON events, ids): str in, str out.
        "decode_responses": True,
    }
    # REDIS_URL's credentials are the cluster's and the master's too, as Spring Boot reads them for the Java parts.
    credentials = urlsplit(settings.redis_url)
    if credentials.password:
        options |= {"username": credentials.username or None, "password": credentials.password}
    if settings.redis_cluster_nodes:
        return RedisCluster(startup_nodes=[ClusterNode(node.host, node.port) for node in settings.redis_cluster_nodes],
                            **options)
    if settings.redis_sentinel_master:
        sentinels = [tuple(node) for node in settings.redis_sentinel_nodes]
        sentinel = Sentinel(sentinels, db=_database_of(settings.redis_url), **options)
        return sentinel.master_for(settings.redis_sentinel_master, redis_class=_SentinelMaster)
    return Redis.from_url(settings.redis_url, **options)


def _database_of(url: str) -> int:
    path = urlsplit(url).path.strip("/")
    return int(path) if path.isdigit() else 0


class _SentinelMaster(Redis):
    """The master's client, closing the connections to the sentinels with its own (redis-py leaves those to the
    `Sentinel`, which nothing else here holds)."""

    async def aclose(self, close_connection_pool: bool | None = None) -> None:
        try:
            await super().aclose(close_connection_pool)
        finally:
            pool = self.connection_pool
            if isinstance(pool, SentinelConnectionPool):
                await pool.sentinel_manager.aclose()


async def get_redis(request: Request) -> RedisClient:
    """FastAPI dependency: `redis: Annotated[RedisClient, Depends(get_redis)]`, the app's client, which its lifespan
    opens (`create_service_app`) and hands to requests in the lifespan state. `async`, although it awaits nothing:
    FastAPI runs a plain function dependency in a worker thread, on every request."""
    redis: RedisClient = request.state.redis
    return redis
