"""`GET /health`: UP (200) only after a real PING answered; DOWN (503) with the reason otherwise.

The launcher, compose and the gateway use it as the readiness check, like the Java services'
`/actuator/health/readiness`.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel

from service_kit.redis_client import RedisClient, get_redis

# Bounds the whole check, retries included, for a Redis that does not answer at all (a black-holed host).
HEALTH_CHECK_TIMEOUT_SECONDS = 2.0

Status = Literal["UP", "DOWN"]


class CheckResult(BaseModel):
    status: Status
    error: str | None = None


class HealthReport(BaseModel):
    status: Status
    checks: dict[str, CheckResult]


async def check_redis(redis: RedisClient) -> CheckResult:
    try:
        async with asyncio.timeout(HEALTH_CHECK_TIMEOUT_SECONDS):
            await redis.ping()
    except TimeoutError:
        return CheckResult(status="DOWN", error=f"no answer to PING within {HEALTH_CHECK_TIMEOUT_SECONDS} s")
    except Exception as error:  # whatever went wrong, the check's job is to report it, not to fail
        return CheckResult(status="DOWN", error=f"{type(error).__name__}: {error}")
    return CheckResult(status="UP")


router = APIRouter()


# Operational, like the Java services' actuator endpoints: not part of the documented API.
@router.get("/health", response_model=HealthReport, response_model_exclude_none=True, include_in_schema=False)
async def health(redis: Annotated[RedisClient, Depends(get_redis)], response: Response) -> HealthReport:
    checks = {"redis": await check_redis(redis)}
    up = all(check.status == "UP" for check in checks.values())
    if not up:
        response.status_code = 503
    return HealthReport(status="UP" if up else "DOWN", checks=checks)
