"""The fault controls of `./platform fault` for a test: latency, errors, cuts on the sandbox's links, all cleared after.

The client is the launcher's own (`launcher.faults.FaultProxy`, a client of toxiproxy's API, standard library only),
loaded from the platform's repository: one implementation, whether a developer types `./platform fault latency redis
200` or a test calls `platform_faults.latency("redis", 200)`. The links: auth-service, notification-service,
inference-bridge, reporting-bridge (the gateway's calls to each), redis (every service's), postgres (when the platform
runs on PostgreSQL; a sandbox does not).
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from platform_sandbox.sandbox import FAULTS_URL_VARIABLE, Sandbox, SandboxError


def launcher_faults(home: Path) -> ModuleType:
    """`launcher.faults` of the platform in `home`: imported as is when `launcher` is importable already (inside the
    platform's repository), else from `home/launcher` without putting the repository on sys.path."""
    if "launcher" not in sys.modules:
        try:
            importlib.import_module("launcher.faults")
        except ImportError:
            spec = importlib.machinery.ModuleSpec("launcher", None, is_package=True)
            spec.submodule_search_locations = [str(home / "launcher")]
            sys.modules["launcher"] = importlib.util.module_from_spec(spec)
    return importlib.import_module("launcher.faults")


class SandboxFaults:
    """Faults on the sandbox's links for the current test; `clear()` (run after every test by the fixture) removes
    every one and restores every link."""

    def __init__(self, sandbox: Sandbox, home: Path) -> None:
        url = sandbox.faults_url
        if not url:
            raise SandboxError(
                "the sandbox runs without the fault proxy: mark the test (or a test of the session) "
                "@pytest.mark.platform_faults, or set `platform_sandbox_faults = true` in the pytest configuration"
                + (f"; an attached platform needs {FAULTS_URL_VARIABLE}" if sandbox.attached else ""))
        self.faults = launcher_faults(home)
        self.proxy: Any = self.faults.FaultProxy(url)

    def links(self) -> list[Any]:
        """Each link: name, listen, upstream, enabled, toxics (launcher.faults.LinkState)."""
        return self.proxy.links()

    def latency(self, link: str, ms: int, jitter_ms: int = 0) -> None:
        """Every answer on `link` delayed by `ms` (± `jitter_ms`)."""
        self.proxy.add_latency(link, ms, jitter_ms)

    def errors(self, link: str, fraction: float) -> None:
        """A share `fraction` of the connections on `link` reset (drawn per connection, not per request)."""
        self.proxy.add_errors(link, fraction)

    def cut(self, link: str) -> None:
        """`link` refuses and drops connections until `restore(link)` or `clear()`."""
        self.proxy.cut(link)

    def restore(self, link: str) -> None:
        self.proxy.restore(link)

    def clear(self) -> None:
        """Every fault removed, every link restored."""
        self.proxy.clear()
