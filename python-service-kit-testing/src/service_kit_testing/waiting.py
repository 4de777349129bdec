"""Waiting for what happens elsewhere (a consumer, a worker, a log line) with a deadline that fails the test."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable

import pytest


def wait_until(condition: Callable[[], object], *, timeout: float = 10, interval: float = 0.02,
               message: str = "condition") -> object:
    """Polls `condition` until it returns something truthy (returned), failing the test after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"{message} not met within {timeout} s (last value: {result!r})")
        time.sleep(interval)


async def wait_until_async(condition: Callable[[], object], *, timeout: float = 10, interval: float = 0.02,
                           message: str = "condition") -> object:
    """`wait_until` for async tests: `condition` may be a coroutine function."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"{message} not met within {timeout} s (last value: {result!r})")
        await asyncio.sleep(interval)


