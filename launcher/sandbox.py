"""./platform sandbox: a whole platform for a test session, beside any other, described by one line of JSON.

`./platform sandbox start [--data-dir DIR] [--faults] [--observability] [--scale PART=N,...]` starts a platform exactly as
`./platform up --detach` does (the same build steps, `Supervisor.start_platform`, the detached supervisor), but on free
ports, in a data folder of its own (default: a new one under var/sandboxes/), from an environment without any of the
developer's platform variables (so its embedded H2 and SQLite databases, its own Redis), without Zipkin and Prometheus
unless asked, with a bootstrap admin of random credentials (ADMIN_EMAIL/ADMIN_PASSWORD, the documented bootstrap) and
the gateway's rate limits raised for a test's traffic from one address. Once every part is healthy it prints one line of
JSON on stdout (everything else goes to stderr) and writes the same to <data dir>/sandbox.json:

  {"gateway_url", "service_urls": {process: url} (each instance of a scaled part too: `<part>-<n>`), "redis_url", "faults_url" ("" without --faults), "data_dir",
   "admin_email", "admin_password", "started_in_seconds"}

`./platform sandbox stop DATA_DIR` stops it as `./platform down` stops the developer's instance, then checks that no
process of it and none of its ports is left. Everything of an instance (state file, pids, logs, databases, Redis data)
lives in its data folder, so sandboxes and a developer's `./platform up` run side by side. The plugins that use this:
sandbox/python (pytest) and sandbox/java (JUnit 5).
"""

from __future__ import annotations

import contextlib
import json
import secrets
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from .build import build_all, resolve_observability
from .config import (DEFAULT_JAVA_OPTS, GATEWAY, ROOT, Settings, clean_environment, free_ports, load_settings,
                     ScaleError, parse_scale, port_in_use)
from .console import LauncherError, error, fail, step
from .faults import api_url
from .supervisor import Supervisor, process_alive, read_state, stop_instance, stop_on_signals

SANDBOXES_DIR = ROOT / "var" / "sandboxes"
# Every sandbox reads the same trained model (training is seeded: each would train the same one, a few seconds each).
SANDBOX_MODEL_DIR = SANDBOXES_DIR / "model"
SANDBOX_FILE = "sandbox.json"
# A test session registers and signs in many users from 127.0.0.1: the limits per address would turn that into 429s.
# What the limits do is proven by the gateway's own tests; a test that wants them sets up a platform of its own.
SANDBOX_GATEWAY_ENVIRON = {
    "RATE_LIMIT_SIGNED_IN": "100000", "RATE_LIMIT_ANONYMOUS": "100000", "RATE_LIMIT_SIGN_IN": "100000",
}
# A test session wants the platform up soon more than its peak throughput: the JIT's first tier only (C1) costs the
# three JVMs starting at once on two cores much less CPU than C1 and C2 together.
SANDBOX_JAVA_OPTS = f"{DEFAULT_JAVA_OPTS} -XX:TieredStopAtLevel=1"


def new_data_dir() -> Path:
    """A new folder under var/sandboxes/, named after the time and a random suffix (sandboxes started at once)."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    folder = SANDBOXES_DIR / f"{stamp}-{secrets.token_hex(3)}"
    folder.mkdir(parents=True)
    return folder


def sandbox_environ(admin_email: str, admin_password: str, faults: bool, observability: bool,
                    scale: str = "") -> dict[str, str]:
    return {**clean_environment(), **SANDBOX_GATEWAY_ENVIRON, "PLATFORM_SCALE": scale,
            "ADMIN_EMAIL": admin_email, "ADMIN_PASSWORD": admin_password,
            "MODEL_DIR": str(SANDBOX_MODEL_DIR), "JAVA_OPTS": SANDBOX_JAVA_OPTS,
            "PLATFORM_FAULTS": "on" if faults else "off",
            "PLATFORM_OBSERVABILITY": "on" if observability else "off"}


def describe(settings: Settings, admin_email: str, admin_password: str, seconds: float) -> dict:
    """The line `sandbox start` prints: what a test needs to reach this instance."""
    return {
        "gateway_url": f"http://127.0.0.1:{settings.ports[GATEWAY.name]}",
        "service_urls": {part.name: f"http://127.0.0.1:{settings.ports[part.name]}" for part in settings.services()},
        "redis_url": settings.redis_url,
        "faults_url": api_url(settings) if settings.faults else "",
        "data_dir": str(settings.data_dir),
        "admin_email": admin_email,
        "admin_password": admin_password,
        "started_in_seconds": round(seconds, 1),
    }


def start(data_dir: Path | None, faults: bool, observability: bool, scale: str = "") -> dict:
    """Builds what is missing, starts the platform, waits until healthy, leaves it supervised; its description.
    `scale`: --scale's PART=N,... (the sandbox's environment has none of the developer's PLATFORM_SCALE)."""
    # A bad spec fails before any folder is made (a sandbox's environment has no AUTH_DATABASE_URL).
    parse_scale(scale, {"PLATFORM_FAULTS": "on" if faults else "off"})
    started = time.monotonic()
    data_dir = (data_dir or new_data_dir()).resolve()
    admin_email = f"sandbox-admin-{secrets.token_hex(4)}@example.com"
    admin_password = secrets.token_urlsafe(24)
    settings = load_settings(data_dir=data_dir, ports=free_ports(),
                             environ=sandbox_environ(admin_email, admin_password, faults, observability, scale))
    leftover = Supervisor(load_settings(data_dir=data_dir, environ=clean_environment()))
    if leftover.load_state():
        if leftover.any_alive():
            fail(f"a platform already runs in {data_dir}: stop it with ./platform sandbox stop {data_dir}")
        leftover.stop_all()  # the state of one that died: forget it
    resolve_observability(settings)
    build_all(settings)
    supervisor = Supervisor(settings)
    step(f"starting a sandbox: gateway on port {settings.ports[GATEWAY.name]}, data in {data_dir}")
    try:
        supervisor.start_platform()
        process = supervisor.start_detached_supervisor()
    except BaseException:  # failed or interrupted: nothing of it may stay behind
        supervisor.stop_all()
        raise
    step(f"healthy {time.monotonic() - started:.1f}s after the command started; supervised by pid {process.pid}")
    description = describe(settings, admin_email, admin_password, time.monotonic() - started)
    sandbox_file = data_dir / SANDBOX_FILE
    sandbox_file.touch(mode=0o600)  # it holds the admin's password
    sandbox_file.write_text(json.dumps(description, indent=2) + "\n")
    return description


def stop(data_dir: Path) -> list[str]:
    """Stops the sandbox in `data_dir`; what it left behind (processes, listening ports), empty when nothing."""
    settings = load_settings(data_dir=data_dir.resolve(), environ=clean_environment())
    state = read_state(settings)
    if state is None:
        step(f"no sandbox runs in {settings.data_dir} (no {settings.state_file})")
        return []
    processes = [(name, entry["pid"], entry["marker"]) for name, entry in state["parts"].items()]
    if state.get("supervisor"):
        processes.append(("supervisor", state["supervisor"]["pid"], state["supervisor"]["marker"]))
    ports = {name: port for name, port in state["ports"].items()
             if name in state["parts"] or name.startswith("fault-proxy/")}
    stop_instance(settings)
    return ([f"{name} (pid {pid})" for name, pid, marker in processes if process_alive(pid, marker)]
            + [f"port {port} ({name})" for name, port in ports.items() if port_in_use(port)])


def cmd_sandbox(args) -> int:
    if args.action == "start":
        # stdout carries the JSON line alone: a script or a test plugin reads it.
        real_stdout = sys.stdout
        stop_on_signals()  # a start interrupted (Ctrl-C, a test runner's SIGTERM) stops what it started
        try:
            with contextlib.redirect_stdout(sys.stderr):
                description = start(args.data_dir, args.faults, args.observability, args.scale or "")
        except ScaleError as e:  # a usage error, like argparse's
            error(str(e))
            return 2
        except LauncherError as e:
            error(str(e))
            return 1
        except KeyboardInterrupt:
            error("interrupted: the sandbox was stopped")
            return 130
        print(json.dumps(description), file=real_stdout, flush=True)
        return 0
    with contextlib.redirect_stdout(sys.stderr):
        left = stop(args.data_dir)
    if left:
        error("left behind after stopping the sandbox: " + ", ".join(left))
        return 1
    return 0


def add_sandbox_commands(commands) -> None:
    sandbox = commands.add_parser(
        "sandbox", help="a whole platform for a test session, on free ports, in a data folder of its own",
        description="Start a platform beside any other (free ports, its own data folder, embedded databases, a "
                    "random bootstrap admin), detached and supervised; prints one line of JSON on stdout once it is "
                    "healthy. Stop it with its data folder.")
    actions = sandbox.add_subparsers(dest="action", required=True, metavar="action")
    start_parser = actions.add_parser("start", help="start a sandbox; prints its gateway, URLs and admin as JSON")
    start_parser.add_argument("--data-dir", type=Path, help="its data folder (default: a new one under var/sandboxes/)")
    start_parser.add_argument("--faults", action="store_true", help="the fault proxy on every link (faults_url)")
    start_parser.add_argument("--observability", action="store_true", help="Zipkin and Prometheus too (off by default)")
    start_parser.add_argument("--scale", metavar="PART=N,...",
                              help="N instances of these services or workers (as ./platform up --scale)")
    stop_parser = actions.add_parser("stop", help="stop the sandbox of a data folder; fails if anything is left")
    stop_parser.add_argument("data_dir", type=Path, metavar="DATA_DIR")
    sandbox.set_defaults(run=cmd_sandbox)

