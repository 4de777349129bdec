"""Which unhandled errors mean that a service's Redis is unreachable for now (down, restarting, loading its data,
too slow), so that the request may well succeed a second later: the kit answers them 503 with `Retry-After`
rather than 500 (service_kit.problems).

redis-py raises the same exception classes from its sync and asyncio clients. A refused password or missing
permission (AuthenticationError, AuthorizationError, subclasses of its ConnectionError) is a configuration error
that no retry cures: it stays a 500, logged with its stack.
"""

from __future__ import annotations

from redis.exceptions import AuthenticationError, AuthorizationError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# The client's own retries (service_kit.redis_client) have already spent about a second; a restarting Redis is
# usually back within a few.
RETRY_AFTER_SECONDS = 1
DEPENDENCY_UNAVAILABLE_DETAIL = "A service this one depends on is unavailable; try again shortly."


def is_dependency_outage(error: BaseException) -> bool:
    return isinstance(error, (RedisConnectionError, RedisTimeoutError)) and not isinstance(
        error, (AuthenticationError, AuthorizationError))
