"""Which platform a test session uses: one it starts (`./platform sandbox start`), or a running one it attaches to.

Attach: PLATFORM_GATEWAY_URL names the gateway (PLATFORM_REDIS_URL, PLATFORM_ADMIN_EMAIL/PLATFORM_ADMIN_PASSWORD and
PLATFORM_FAULTS_URL for the fixtures that need them). Start: `<platform home>/platform sandbox start` (the platform
home is PLATFORM_HOME, else the first folder upwards of the test project that holds the launcher), which prints one
line of JSON once every part is healthy; `stop` runs `./platform sandbox stop <data dir>`.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

# Environment variables of a session that attaches to a running platform instead of starting one.
GATEWAY_URL_VARIABLE = "PLATFORM_GATEWAY_URL"
REDIS_URL_VARIABLE = "PLATFORM_REDIS_URL"
ADMIN_EMAIL_VARIABLE = "PLATFORM_ADMIN_EMAIL"
ADMIN_PASSWORD_VARIABLE = "PLATFORM_ADMIN_PASSWORD"
FAULTS_URL_VARIABLE = "PLATFORM_FAULTS_URL"
# Where the platform's repository is (its `platform` launcher), when the test project does not live inside it.
HOME_VARIABLE = "PLATFORM_HOME"
# A start builds what is missing first (a fresh clone: the Java jars, the console, the model: minutes).
START_TIMEOUT_SECONDS = 900
STOP_TIMEOUT_SECONDS = 120


class SandboxError(RuntimeError):
    """The sandbox could not be started, stopped or reached; the message says what to do."""


@dataclass(frozen=True)
class Sandbox:
    """A platform the session uses: what `./platform sandbox start` printed, or what the environment named."""

    gateway_url: str
    service_urls: Mapping[str, str] = field(default_factory=dict)
    redis_url: str = ""
    faults_url: str = ""
    data_dir: Path | None = None  # None: attached, not started by this session
    admin_email: str = ""
    admin_password: str = ""
    started_in_seconds: float | None = None

    @property
    def attached(self) -> bool:
        return self.data_dir is None

    @property
    def websocket_url(self) -> str:
        """The gateway's base URL in the ws:// (wss://) scheme."""
        scheme, _, rest = self.gateway_url.partition("://")
        return ("wss" if scheme == "https" else "ws") + "://" + rest

    @classmethod
    def from_description(cls, description: Mapping) -> Sandbox:
        """From the JSON line `./platform sandbox start` prints (and writes to <data dir>/sandbox.json)."""
        try:
            return cls(gateway_url=description["gateway_url"].rstrip("/"),
                       service_urls=dict(description.get("service_urls") or {}),
                       redis_url=description.get("redis_url") or "",
                       faults_url=description.get("faults_url") or "",
                       data_dir=Path(description["data_dir"]),
                       admin_email=description.get("admin_email") or "",
                       admin_password=description.get("admin_password") or "",
                       started_in_seconds=description.get("started_in_seconds"))
        except (KeyError, AttributeError, TypeError) as error:
            raise SandboxError(f"not a sandbox description ({error!r}): {dict(description)!r}") from None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Sandbox | None:
        """The running platform PLATFORM_GATEWAY_URL names (None when unset)."""
        gateway = (environ.get(GATEWAY_URL_VARIABLE) or "").strip()
        if not gateway:
            return None
        return cls(gateway_url=gateway.rstrip("/"),
                   redis_url=environ.get(REDIS_URL_VARIABLE) or "",
                   faults_url=environ.get(FAULTS_URL_VARIABLE) or "",
                   admin_email=environ.get(ADMIN_EMAIL_VARIABLE) or "",
                   admin_password=environ.get(ADMIN_PASSWORD_VARIABLE) or "")

    def require(self, what: str, value: str, variable: str) -> str:
        """`value`, or a SandboxError saying which variable an attached session must set for `what`."""
        if not value:
            raise SandboxError(f"{what} needs {variable}: the session attached to {self.gateway_url} "
                               f"({GATEWAY_URL_VARIABLE}) without it")
        return value


def is_platform_home(folder: Path) -> bool:
    return (folder / "platform").is_file() and (folder / "launcher" / "sandbox.py").is_file()


def find_platform_home(start: Path, environ: Mapping[str, str]) -> Path:
    """PLATFORM_HOME, else the first folder from `start` upwards that holds the platform's launcher."""
    configured = environ.get(HOME_VARIABLE)
    if configured:
        home = Path(configured).expanduser().resolve()
        if not is_platform_home(home):
            raise SandboxError(f"{HOME_VARIABLE}={configured} holds no platform launcher (platform, launcher/)")
        return home
    for folder in (start.resolve(), *start.resolve().parents):
        if is_platform_home(folder):
            return folder
    raise SandboxError(f"no platform found from {start} upwards: set {HOME_VARIABLE} to the platform's repository, "
                       f"or {GATEWAY_URL_VARIABLE} to attach to a running platform")


def start_sandbox(home: Path, *, faults: bool = False, observability: bool = False,
                  timeout: float = START_TIMEOUT_SECONDS) -> Sandbox:
    """Runs `./platform sandbox start` and returns the sandbox it printed; its progress goes to our stderr."""
    command = [str(home / "platform"), "sandbox", "start"]
    command += ["--faults"] * faults + ["--observability"] * observability
    # In a process group of its own, signalled whole: the launcher may run under wrappers (a pyenv shim) that do not
    # pass a signal on.
    with subprocess.Popen(command, cwd=home, stdout=subprocess.PIPE, text=True, env=_launcher_environment(),
                          start_new_session=True) as start:
        try:
            stdout, _ = start.communicate(timeout=timeout)
        except BaseException as stopped:  # too long, or the test run interrupted: the launcher stops what it started
            with contextlib.suppress(ProcessLookupError):
                os.killpg(start.pid, signal.SIGTERM)
            start.wait()
            if isinstance(stopped, subprocess.TimeoutExpired):
                raise SandboxError(f"{' '.join(command)} did not finish within {timeout:g} s") from None
            raise
    if start.returncode != 0:
        raise SandboxError(f"{' '.join(command)} failed (exit {start.returncode}); its output is above")
    return parse_start_output(stdout)


def parse_start_output(stdout: str) -> Sandbox:
    """The sandbox of `sandbox start`'s output: its last non-empty line is the JSON description."""
    lines = [line for line in stdout.splitlines() if line.strip()]
    if not lines:
        raise SandboxError("./platform sandbox start printed nothing on stdout")
    try:
        description = json.loads(lines[-1])
    except ValueError:
        raise SandboxError(f"./platform sandbox start printed no JSON: {lines[-1]!r}") from None
    if not isinstance(description, dict):
        raise SandboxError(f"./platform sandbox start printed {lines[-1]!r}, not a JSON object")
    return Sandbox.from_description(description)


def stop_sandbox(home: Path, sandbox: Sandbox, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
    """`./platform sandbox stop <data dir>`: fails when it left a process or a port behind."""
    if sandbox.data_dir is None:
        return  # attached: someone else's platform
    command = [str(home / "platform"), "sandbox", "stop", str(sandbox.data_dir)]
    result = subprocess.run(command, cwd=home, timeout=timeout, env=_launcher_environment(), check=False)
    if result.returncode != 0:
        raise SandboxError(f"{' '.join(command)} failed (exit {result.returncode}); its output is above")


def _launcher_environment() -> dict[str, str]:
    """The launcher runs on its own Python (the `platform` script picks it), not this test environment's venv."""
    return {name: value for name, value in os.environ.items() if name not in ("VIRTUAL_ENV", "PYTHONPATH")}
