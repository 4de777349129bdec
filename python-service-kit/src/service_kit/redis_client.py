"""The service's Redis client (redis-py's asyncio API): one per app, opened and closed by its lifespan."""

from __future__ import annotations

from fastapi import Request
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff

# redis-py retries a failed connection 10 times by default, backing off up to 1 s each time: a health
# check against a Redis that is down would then hang for seconds. A few quick retries still ride out a
# dropped connection, and an outage shows on /health within a second.
CONNECT_TIMEOUT_SECONDS = 2.0
COMMAND_TIMEOUT_SECONDS = 5.0  # keep blocking reads (XREADGROUP BLOCK) shorter than this
RETRY_POLICY = Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.5), retries=3)


def create_redis_client(url: str) -> Redis:
    """Connects lazily, on first use: a service starts (and reports DOWN) while Redis is unreachable."""
    return Redis.from_url(
        url,
        socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
        socket_timeout=COMMAND_TIMEOUT_SECONDS,
        retry=RETRY_POLICY,
        # Everything the platform puts in Redis is text (JSON events, ids): str in, str out.
        decode_responses=True,
    )


def get_redis(request: Request) -> Redis:
    """FastAPI dependency: `redis: Annotated[Redis, Depends(get_redis)]`, the app's client, which its lifespan
    opens (`create_service_app`) and hands to requests in the lifespan state."""
    redis: Redis = request.state.redis
    return redis
