"""The fault controls of `./platform fault` for a test: latency, errors, cuts on the sandbox's links, all cleared after.

The fixture is the launcher's own client (`launcher.faults.FaultProxy`, a client of toxiproxy's API, standard library
only), loaded from the platform's repository: one implementation, whether a developer types `./platform fault latency
redis 200` or a test calls `platform_faults.add_latency("redis", 200)`. The links: auth-service, notification-service,
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


def fault_proxy(sandbox: Sandbox, home: Path) -> Any:
    """The launcher's `FaultProxy` on the sandbox's fault proxy: `add_latency(link, ms, jitter_ms=0)`,
    `add_errors(link, fraction)`, `cut(link)`, `restore(link)`, `clear()`, `links()`; SandboxError, saying how to get
    one, when the sandbox runs without it."""
    if not sandbox.faults_url:
        raise SandboxError(
            "the sandbox runs without the fault proxy: mark the test (or a test of the session) "
            "@pytest.mark.platform_faults, or set `platform_sandbox_faults = true` in the pytest configuration"
            + (f"; an attached platform needs {FAULTS_URL_VARIABLE}" if sandbox.attached else ""))
    return launcher_faults(home).FaultProxy(sandbox.faults_url)
