"""The pytest plugin (entry point `pytest11`): the platform as fixtures.

- `platform_sandbox` (session): the Sandbox the session uses: attached when PLATFORM_GATEWAY_URL is set, else started
  with `./platform sandbox start` (with the fault proxy when the session needs it) and stopped at the end;
- `platform_users` (per test): `platform_users(role="user"|"viewer"|"admin") -> SandboxUser`, signed in;
- `platform_events` (per test): `platform_events.wait_for(type, where=..., timeout=...)` over the backbone;
- `platform_faults` (per test): the launcher's FaultProxy on the sandbox's links (add_latency, add_errors, cut,
  restore, clear); every fault cleared after the test.

Configuration (pytest.ini / pyproject's [tool.pytest.ini_options]): `platform_sandbox_faults` (start with the fault
proxy even if no collected test asks for `platform_faults`), `platform_sandbox_observability` (Zipkin and Prometheus
too), `platform_sandbox_keep` (keep the data folder of a passing session; a failing one's is always kept).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from platform_sandbox.events import PlatformEvents
from platform_sandbox.faults import fault_proxy
from platform_sandbox.sandbox import (
    REDIS_URL_VARIABLE,
    Sandbox,
    SandboxError,
    find_platform_home,
    start_sandbox,
    stop_sandbox,
)
from platform_sandbox.users import SandboxUsers

FAULTS_MARKER = "platform_faults"
FAULTS_FIXTURE = "platform_faults"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("platform_sandbox_faults", "start the sandbox with the fault proxy on every link", type="bool",
                  default=False)
    parser.addini("platform_sandbox_observability", "start the sandbox with Zipkin and Prometheus", type="bool",
                  default=False)
    parser.addini("platform_sandbox_keep", "keep the sandbox's data folder after a passing session", type="bool",
                  default=False)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{FAULTS_MARKER}: the test injects faults (the sandbox starts with the fault "
                                       "proxy; using the platform_faults fixture does the same)")


def session_needs_faults(session: pytest.Session) -> bool:
    """The ini option, or a collected test that uses the fault fixture or carries the marker."""
    if session.config.getini("platform_sandbox_faults"):
        return True
    return any(FAULTS_FIXTURE in getattr(item, "fixturenames", ()) or item.get_closest_marker(FAULTS_MARKER)
               for item in session.items)


def _report(config: pytest.Config, line: str) -> None:
    """A line on the terminal (outside pytest's capture, which would keep it for a failure's report)."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        with _uncaptured(config):
            reporter.write_line(line)


def _uncaptured(config: pytest.Config) -> contextlib.AbstractContextManager[object]:
    """The launcher's progress lines reach the terminal as they come (a start takes a while), not pytest's capture."""
    capture = config.pluginmanager.get_plugin("capturemanager")
    return capture.global_and_fixture_disabled() if capture is not None else contextlib.nullcontext()


@pytest.fixture(scope="session")
def platform_home(request: pytest.FixtureRequest) -> Path:
    """The platform's repository: PLATFORM_HOME, else the first folder upwards of the test project holding it."""
    try:
        return find_platform_home(request.config.rootpath, os.environ)
    except SandboxError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def platform_sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    attached = Sandbox.from_environment(os.environ)
    if attached is not None:
        _report(request.config, f"platform sandbox: attached to {attached.gateway_url}")
        yield attached
        return
    home = request.getfixturevalue("platform_home")
    config = request.config
    faults = session_needs_faults(request.session)
    _report(config, f"platform sandbox: starting from {home}" + (" with the fault proxy" if faults else ""))
    try:
        with _uncaptured(config):
            sandbox = start_sandbox(home, faults=faults, observability=config.getini("platform_sandbox_observability"))
    except SandboxError as error:
        pytest.fail(str(error), pytrace=False)
    _report(config, f"platform sandbox: healthy in {sandbox.started_in_seconds} s, gateway {sandbox.gateway_url}, "
                    f"data {sandbox.data_dir}")
    try:
        yield sandbox
    finally:
        with _uncaptured(config):
            stop_sandbox(home, sandbox)
        passed = request.session.testsfailed == 0
        if passed and not config.getini("platform_sandbox_keep") and sandbox.data_dir is not None:
            shutil.rmtree(sandbox.data_dir, ignore_errors=True)
        else:
            _report(config, f"platform sandbox: stopped; its logs are in {sandbox.data_dir}/logs")


@pytest.fixture
def platform_users(platform_sandbox: Sandbox) -> Iterator[SandboxUsers]:
    users = SandboxUsers(platform_sandbox)
    try:
        yield users
    finally:
        users.close()


@pytest.fixture
def platform_events(platform_sandbox: Sandbox) -> Iterator[PlatformEvents]:
    redis_url = platform_sandbox.require("platform_events", platform_sandbox.redis_url, REDIS_URL_VARIABLE)
    with PlatformEvents(redis_url) as events:
        yield events


@pytest.fixture
def platform_faults(platform_sandbox: Sandbox, platform_home: Path) -> Iterator[Any]:
    try:
        faults = fault_proxy(platform_sandbox, platform_home)
    except SandboxError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield faults
    finally:
        faults.clear()
