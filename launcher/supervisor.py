"""Start, watch, restart and stop the processes of one platform instance.

Each part runs in its own session (process group) so that Ctrl-C reaches only the launcher, which then
stops the parts in order (gateway first, Redis last) and kills whatever ignores SIGTERM. The pids live in
`<data dir>/run/platform.json`, which lets `--detach`, `down`, `status` and `logs` work across
invocations. Every part writes to `<data dir>/logs/<part>.log`.

Supervision: `watch_once()` is one tick of the restart policy (launcher/restart_policy.py) over every part, shared
by the three ways a platform runs: the loop of `./platform up`, the detached supervisor process that
`./platform up --detach` leaves behind (`python -m launcher supervise`), and a test platform's thread
(launcher/testing.py). A restarted part keeps its command line, environment, port and log file; its new pid, its
restart count and the last reason go to the state file at once.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from . import build, faults
from .config import (DEFAULT_JAVA_OPTS, FAULT_PROXY, OBSERVABILITY_PARTS, PARTS, REDIS, ROOT,
                     ZIPKIN_JAVA_OPTS, ZIPKIN_MAX_SPANS, Part, Settings, port_in_use)
from .observability import local_config
from .console import LauncherError, Prefixer, fail, step
from .health import check, probe
from .startup_archives import StartupArchive
from .restart_policy import START_TIMEOUT_SECONDS, PartWatch, Phase, RestartRules

STOP_GRACE_SECONDS = 20
# How often a supervising loop runs a tick: each tick probes only the parts whose probe is due
# (restart_policy.PROBE_INTERVAL_SECONDS), so a short tick costs nothing and keeps ./platform up's log view live.
WATCH_TICK_SECONDS = 0.25
# `./platform up --detach` returns once its supervisor process has adopted the platform: a Python start and a read of
# the state file.
DETACHED_SUPERVISOR_START_SECONDS = 30
# What the command line of a launcher process contains (./platform up, ./platform supervise): guards its pid.
LAUNCHER_MARKER = "-m launcher"


@dataclass
class Launch:
    """How a part's process was started; replayed as is to restart it. Kept in memory only: the environment holds
    secrets (ADMIN_PASSWORD, database URLs), which the state file must not."""

    cmd: list[str]
    env: dict[str, str]
    marker: str
    user: str | None = None


@dataclass
class Running:
    part: Part
    pid: int
    log: Path
    marker: str  # a string that must appear in the process's command line (guards against pid reuse)
    restarts: int = 0  # since ./platform up
    last_restart_reason: str = ""
    last_restart_at: str = ""  # RFC 3339, UTC
    next_restart_at: str = ""  # set while the part waits for its restart
    launch: Launch | None = field(default=None, repr=False)  # None: adopted from the state file


@dataclass
class SupervisorProcess:
    """The process that supervises an instance: ./platform up itself, or the detached `./platform supervise`."""

    pid: int
    mode: str  # "foreground" | "detached"
    log: str = ""
    marker: str = LAUNCHER_MARKER


class Supervisor:
    def __init__(self, settings: Settings, rules: RestartRules = RestartRules(),
                 clock: Callable[[], float] = time.monotonic, announce: Callable[[str], None] = step):
        self.settings = settings
        self.running: dict[str, Running] = {}
        self._children: dict[int, subprocess.Popen] = {}
        self.rules = rules
        self.clock = clock
        self.announce = announce
        self.supervisor_process: SupervisorProcess | None = None
        self.started_at = _utc_now()
        self.watches: dict[str, PartWatch] = {}  # per part, created at its first tick
        self._supervising = True
        self._watch_lock = threading.RLock()  # re-entrant: stop_supervising may run in a signal handler mid-tick
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    # -- state -------------------------------------------------------------------------------------

    def load_state(self) -> bool:
        """Adopt the processes of an instance started earlier (for down/status/logs/supervise). False if none."""
        state = read_state(self.settings)
        if state is None:
            return False
        self.settings.ports.update(state.get("ports", {}))
        if state.get("external_redis_url"):
            self.settings.external_redis_url = state["external_redis_url"]
        # What the starting launcher decided (--no-observability, --faults, no prometheus binary, per-part variables):
        # a detached supervisor restarts parts with the same environment (through the fault proxy when it was on).
        self.settings.observability = state.get("observability", self.settings.observability)
        self.settings.faults = state.get("faults", self.settings.faults)
        self.settings.prometheus = state.get("prometheus", self.settings.prometheus)
        self.settings.extra_env.update(state.get("extra_env", {}))
        # The instances it started (--scale), on the ports just read: their names, probes and commands follow.
        self.settings.set_scale(state.get("scale", {}))
        parts = {p.name: p for p in (*PARTS, *self.settings.services())}
        self.started_at = state.get("started_at", self.started_at)
        supervisor = state.get("supervisor")
        self.supervisor_process = SupervisorProcess(**supervisor) if supervisor else None
        for name, entry in state["parts"].items():
            part = parts.get(name) or Part(name, "server", "", 0, "")
            self.running[name] = Running(part, entry["pid"], Path(entry["log"]), entry["marker"],
                                         entry.get("restarts", 0), entry.get("last_restart_reason", ""),
                                         entry.get("last_restart_at", ""), entry.get("next_restart_at", ""))
        return True

    def save_state(self) -> None:
        self.settings.run_dir.mkdir(parents=True, exist_ok=True)
        state = {
            "started_at": self.started_at,
            "ports": self.settings.ports,
            "external_redis_url": self.settings.external_redis_url,
            "observability": self.settings.observability,
            "faults": self.settings.faults,
            "prometheus": self.settings.prometheus,
            "extra_env": self.settings.extra_env,
            "scale": self.settings.scale,
            "supervisor": asdict(self.supervisor_process) if self.supervisor_process else None,
            "parts": {n: {"pid": r.pid, "log": str(r.log), "marker": r.marker, "restarts": r.restarts,
                          "last_restart_reason": r.last_restart_reason, "last_restart_at": r.last_restart_at,
                          "next_restart_at": r.next_restart_at} for n, r in self.running.items()},
        }
        # Written whole, then renamed: status, down and the tests read it while a supervisor rewrites it.
        partial = self.settings.state_file.with_suffix(".json.partial")
        partial.write_text(json.dumps(state, indent=2))
        partial.replace(self.settings.state_file)

    def alive(self, name: str) -> bool:
        r = self.running.get(name)
        if r is None:
            return False
        child = self._children.get(r.pid)
        if child is not None:
            return child.poll() is None
        return process_alive(r.pid, r.marker)

    def any_alive(self) -> bool:
        return any(self.alive(n) for n in self.running) or self.supervisor_alive()

    def supervisor_alive(self) -> bool:
        """Whether the process named as this instance's supervisor in the state file still runs."""
        process = self.supervisor_process
        return process is not None and process_alive(process.pid, process.marker)

    # -- start -------------------------------------------------------------------------------------

    def command(self, part: Part) -> list[str]:
        if part.kind == "redis":
            data = self.settings.data_dir / "redis"
            data.mkdir(parents=True, exist_ok=True)
            return [build.redis_server_executable(), "--port", str(self.settings.ports["redis"]),
                    "--bind", "127.0.0.1", "--dir", str(data), "--appendonly", "yes", "--appendfsync", "everysec",
                    "--save", "", "--daemonize", "no", "--protected-mode", "yes"]
        if part.kind == "zipkin":
            # Armeria's port list replaces Zipkin's default one: address, port and protocol together.
            return [build.java_executable(), *ZIPKIN_JAVA_OPTS, "-jar", str(build.zipkin_server_jar()),
                    f"--armeria.ports[0].ip={self.settings.bind_address}",
                    f"--armeria.ports[0].port={self.settings.ports['zipkin']}", "--armeria.ports[0].protocols[0]=http"]
        if part.kind == "prometheus":
            folder = self.settings.data_dir / "prometheus"
            (folder / "data").mkdir(parents=True, exist_ok=True)
            config = folder / "prometheus.yml"
            config.write_text(local_config(self.settings.parts(), self.settings.ports))
            return [build.prometheus_executable() or "prometheus", f"--config.file={config}",
                    f"--storage.tsdb.path={folder / 'data'}", "--storage.tsdb.retention.time=2d",
                    f"--web.listen-address={self.settings.bind_address}:{self.settings.ports['prometheus']}"]
        if part.kind == "toxiproxy":
            return faults.server_command(self.settings, build.toxiproxy_server_executable(self.settings.logs_dir))
        if part.kind == "java":
            java_opts = shlex.split(self.settings.env.get("JAVA_OPTS") or DEFAULT_JAVA_OPTS)
            java = build.java_executable()
            return [java, *java_opts, *StartupArchive(part.module).launch_arguments(build.java_version(java))]
        return [build.venv_python(), "-m", part.module]

    def check_ports(self, parts: tuple[Part, ...]) -> None:
        for part in parts:
            port = self.settings.ports[part.name]
            if port_in_use(port):
                remedy = f"set {part.port_var} to a free port" if part.port_var else "start again (another free port)"
                fail(f"port {port} ({part.name}{', ' + part.port_var if part.port_var else ''}) is already in use: "
                     f"stop what listens there (`ss -ltnp 'sport = :{port}'` shows it) or {remedy}")

    def launch(self, part: Part) -> Launch:
        """How a part of the table (PARTS) is started on this instance."""
        cmd = self.command(part)
        env = self.settings.child_env(part)
        if part.kind == "zipkin":  # Zipkin's own variables: spans kept in memory, at most this many
            env |= {"STORAGE_TYPE": "mem", "MEM_MAX_SPANS": str(ZIPKIN_MAX_SPANS)}
        # What must appear in the process's command line: its jar, module or configuration file.
        markers = {"redis": "redis-server", "zipkin": cmd[cmd.index("-jar") + 1] if "-jar" in cmd else "",
                   "prometheus": cmd[1]}
        return Launch(cmd, env, markers.get(part.kind, cmd[-1]))

    def start(self, part: Part) -> Running:
        return self._spawn(part, self.launch(part))

    def spawn(self, part: Part, cmd: list[str], env: dict[str, str], marker: str,
              user: str | None = None) -> Running:
        """Start one process in its own session, output appended to its log; `user` needs root."""
        return self._spawn(part, Launch(cmd, env, marker, user))

    def _spawn(self, part: Part, launch: Launch, restart: tuple[str, float] | None = None) -> Running:
        """`restart`: (why, the backoff waited) when this replaces a process of the part that is gone."""
        self.settings.logs_dir.mkdir(parents=True, exist_ok=True)
        log = self.settings.logs_dir / f"{part.name}.log"
        previous = self.running.get(part.name)
        restarts = (previous.restarts if previous else 0) + 1
        now = _utc_now()
        with log.open("ab") as out:
            if restart:
                out.write(f"---- {now} restarting: {restart_message(restart[0], restarts, restart[1])}\n".encode())
            out.write(f"---- {now} starting: {shlex.join(launch.cmd)}\n".encode())
            out.flush()
            child = subprocess.Popen(launch.cmd, cwd=ROOT, env=launch.env, stdout=out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True, user=launch.user)
        running = Running(part, child.pid, log, launch.marker, launch=launch)
        if restart:
            running.restarts, running.last_restart_reason, running.last_restart_at = restarts, restart[0], now
        self._children[child.pid] = child
        self.running[part.name] = running
        self.save_state()
        return running

    def wait_healthy(self, parts: tuple[Part, ...], timeout: float, on_tick=None) -> None:
        """Block until every part is healthy; fail fast (with its last log lines) if one exits."""
        started = time.monotonic()
        pending = {p.name: p for p in parts}
        while pending:
            for name, part in list(pending.items()):
                if not self.alive(name):
                    fail(f"{name} exited during start-up; last lines of {self.running[name].log}:\n"
                         + self.tail(name, 30))
                healthy, _ = probe(self.settings, part)
                if healthy:
                    del pending[name]
                    step(f"{name} is healthy ({time.monotonic() - started:.1f}s)")
            if on_tick:
                on_tick()
            if pending and time.monotonic() - started > timeout:
                details = "; ".join(f"{n}: {probe(self.settings, p)[1]}" for n, p in pending.items())
                fail(f"not healthy after {timeout:.0f}s: {details} (logs in {self.settings.logs_dir})")
            time.sleep(0.25)

    def start_platform(self, on_tick=None) -> None:
        """Redis (unless REDIS_URL points elsewhere), then the fault proxy with its links (with --faults), then Zipkin
        and Prometheus (unless observability is off), then every service at once; returns when all are healthy. The
        services do not wait for Zipkin: their first spans wait in their exporters' queues while it starts."""
        parts = self.settings.parts()
        self.check_ports(parts)
        step("starting " + ", ".join(p.name for p in parts))
        if REDIS in parts:
            self.start(REDIS)
            self.wait_healthy((REDIS,), timeout=30, on_tick=on_tick)
        if FAULT_PROXY in parts:
            self.start(FAULT_PROXY)
            self.wait_healthy((FAULT_PROXY,), timeout=30, on_tick=on_tick)
            faults.check_links(self.settings)
        observability = tuple(p for p in OBSERVABILITY_PARTS if p in parts)
        services = self.settings.services()  # every instance of every service and worker
        for part in (*observability, *services):
            self.start(part)
        self.wait_healthy((*observability, *services), timeout=START_TIMEOUT_SECONDS, on_tick=on_tick)

    # -- supervision -------------------------------------------------------------------------------

    def watch_once(self) -> None:
        """One supervision tick over every part: notices a part that exited, probes the parts whose probe is due (each
        with its timeout), stops a hung part, restarts a part whose backoff has passed. Returns at once otherwise;
        does nothing once supervision is stopped."""
        with self._watch_lock:
            for name in list(self.running):
                if not self._supervising:
                    return
                if self._supervisable(name):
                    self._watch(name, self.clock())

    def supervise(self, on_tick: Callable[[], None] | None = None) -> None:
        """Runs ticks until supervision is stopped (stop_supervising, request_stop); `on_tick` after each."""
        while self._supervising:
            self.watch_once()
            if on_tick:
                on_tick()
            self._wake.wait(WATCH_TICK_SECONDS)

    def supervise_in_thread(self) -> threading.Thread:
        """Supervision in a daemon thread (a test platform); stop_supervising or stop_all ends and joins it."""
        self._thread = threading.Thread(target=self.supervise, name="platform-supervisor", daemon=True)
        self._thread.start()
        return self._thread

    def request_stop(self) -> None:
        """Ends supervision within a tick; safe in a signal handler (it only sets a flag)."""
        self._supervising = False

    def stop_supervising(self) -> None:
        """Ends supervision and returns once no tick runs any more, so nothing restarts a part while it is stopped."""
        self._supervising = False
        self._wake.set()
        with self._watch_lock:  # waits for a tick in progress in another thread
            pass
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()

    def _supervisable(self, name: str) -> bool:
        """A part this process started (its launch is known), or a part of the table (or an instance of one) adopted
        from the state file."""
        running = self.running[name]
        return running.launch is not None or running.part in self.settings.parts() or running.part in PARTS

    def _watch(self, name: str, now: float) -> None:
        running = self.running[name]
        watch = self.watches.setdefault(name, PartWatch(self.rules, started_at=now))
        if watch.phase is Phase.WAITING:
            if watch.restart_due(now):
                self._restart(name, watch, now)
            return
        if not self.alive(name):
            delay = watch.exited(now, self._exit_description(running))
            running.next_restart_at = _utc_now(delay)
            self.save_state()
            self.announce(f"{name} {watch.reason}: restart {running.restarts + 1} in {delay:g} s")
        elif watch.phase is Phase.STOPPING:
            if watch.kill_due(now):
                self.announce(f"{name} ignored SIGTERM for {self.rules.stop_grace:g} s: killing it")
                self._signal(name, signal.SIGKILL)
        elif watch.probe_due(now):
            health = check(self.settings, running.part, timeout=self.rules.probe_timeout, liveness=True)
            reason = watch.probed(self.clock(), health.answered, health.detail)
            if reason:
                watch.stopping(self.clock(), reason)
                self.announce(f"stopping {name} to restart it: {reason}")
                self._signal(name, signal.SIGTERM)

    def _restart(self, name: str, watch: PartWatch, now: float) -> None:
        previous = self.running[name]
        try:
            launch = previous.launch or self.launch(previous.part)
            running = self._spawn(previous.part, launch, restart=(watch.reason, watch.delay))
        except (OSError, LauncherError) as e:  # no binary, no jar: counts as a crash, retried after the backoff
            watch.restarted(now)
            delay = watch.exited(now, f"could not be started: {e}")
            previous.next_restart_at = _utc_now(delay)
            self.save_state()
            self.announce(f"{name} {watch.reason}: restart {previous.restarts + 1} in {delay:g} s")
            return
        watch.restarted(now)
        self.announce(f"restarting {name}: {restart_message(watch.reason, running.restarts, watch.delay)}; "
                      f"pid {running.pid}")

    def _exit_description(self, running: Running) -> str:
        child = self._children.pop(running.pid, None)
        if child is None or child.returncode is None:
            # Not a child of this process (adopted from the state file): its parent, now gone, got its status.
            return "exited (exit status unknown: adopted from ./platform up --detach)"
        if child.returncode < 0:
            try:
                return f"exited with signal {signal.Signals(-child.returncode).name}"
            except ValueError:
                return f"exited with signal {-child.returncode}"
        return f"exited with code {child.returncode}"

    def start_detached_supervisor(self) -> SupervisorProcess:
        """Starts `python -m launcher supervise` in its own session, logging to logs/supervisor.log, and returns once
        it has adopted this instance (its pid is in the state file). It gets this instance's environment as is."""
        self.settings.logs_dir.mkdir(parents=True, exist_ok=True)
        log = self.settings.logs_dir / "supervisor.log"
        env = {**self.settings.env, "PLATFORM_DATA_DIR": str(self.settings.data_dir)}
        cmd = [sys.executable, "-m", "launcher", "supervise"]
        with log.open("ab") as out:
            out.write(f"---- {_utc_now()} starting: {shlex.join(cmd)}\n".encode())
            out.flush()
            child = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + DETACHED_SUPERVISOR_START_SECONDS
        try:
            while True:
                state = read_state(self.settings) or {}
                if (state.get("supervisor") or {}).get("pid") == child.pid:
                    self.supervisor_process = SupervisorProcess(**state["supervisor"])
                    return self.supervisor_process
                if child.poll() is not None:
                    fail(f"the supervisor exited at once (code {child.returncode}); last lines of {log}:\n"
                         + _tail(log, 20))
                if time.monotonic() > deadline:
                    fail(f"the supervisor did not adopt the platform within {DETACHED_SUPERVISOR_START_SECONDS} s "
                         f"(its log: {log})")
                time.sleep(0.1)
        except BaseException:  # failed or interrupted: up stops the parts, which no supervisor may then restart
            child.kill()
            child.wait()
            raise

    def stop_supervisor_process(self) -> None:
        """Stops the process that supervises this instance (a detached supervisor, or the ./platform up of another
        terminal, which then stops its parts itself), waits for it, then reads the state it left: the pids of the
        parts it restarted. Nothing restarts a part after this returns."""
        process = self.supervisor_process
        if process is None or process.pid == os.getpid() or not self.supervisor_alive():
            return
        os.kill(process.pid, signal.SIGTERM)
        # A foreground ./platform up stops every part before it exits: twice the stop grace, Redis going last.
        deadline = time.monotonic() + 2 * STOP_GRACE_SECONDS + 10
        while self.supervisor_alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        if self.supervisor_alive():
            step(f"the supervisor (pid {process.pid}) ignored SIGTERM: killing it")
            os.kill(process.pid, signal.SIGKILL)
        self.running.clear()
        self.load_state()

    # -- stop --------------------------------------------------------------------------------------

    def stop_all(self) -> None:
        self.stop_supervising()
        # Reverse start order: the gateway stops taking traffic first, Redis (and the fault proxy the services reach
        # it through) goes last.
        last = (FAULT_PROXY.name, REDIS.name)
        self._stop([n for n in reversed(list(self.running)) if n not in last])
        self._stop([n for n in last if n in self.running])
        self.running.clear()
        self.settings.state_file.unlink(missing_ok=True)

    def _stop(self, names: list[str]) -> None:
        live = [n for n in names if self.alive(n)]
        for name in live:
            self._signal(name, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while any(self.alive(n) for n in live) and time.monotonic() < deadline:
            time.sleep(0.1)
        for name in live:
            if self.alive(name):
                step(f"{name} ignored SIGTERM for {STOP_GRACE_SECONDS}s: killing it")
            self._signal(name, signal.SIGKILL)  # also reaps any grandchild left in the group
        for name in live:
            child = self._children.get(self.running[name].pid)
            if child is not None:
                child.wait()

    def _signal(self, name: str, sig: int) -> None:
        try:
            os.killpg(self.running[name].pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    # -- logs --------------------------------------------------------------------------------------

    def tail(self, name: str, lines: int) -> str:
        return _tail(self.running[name].log, lines)


def _tail(log: Path, lines: int) -> str:
    if not log.exists():
        return "  (no log)"
    return "\n".join("  " + line for line in log.read_text(errors="replace").splitlines()[-lines:])


def stop_on_signals() -> None:
    """SIGINT, SIGTERM and SIGHUP raise KeyboardInterrupt: a command stopped by any of them stops what it started."""
    def raise_interrupt(signum, frame):
        raise KeyboardInterrupt

    # SIGINT explicitly too: a launcher started in the background by a script inherits it ignored.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, raise_interrupt)


def stop_instance(settings: Settings) -> bool:
    """Stops the instance of `settings` (`./platform down`, `./platform sandbox stop`): its supervising process first,
    so that nothing restarts a part being stopped, then every part. False when it has no state file (not running)."""
    supervisor = Supervisor(settings)
    if not supervisor.load_state():
        return False
    if supervisor.supervisor_alive():
        process = supervisor.supervisor_process
        step(f"stopping the supervisor (pid {process.pid}, {process.mode})")
        supervisor.stop_supervisor_process()
    if supervisor.running:  # a foreground ./platform up has stopped its parts itself
        step("stopping " + ", ".join(supervisor.running))
        supervisor.stop_all()
    step("stopped")
    return True


def read_state(settings: Settings) -> dict | None:
    """The state file of an instance (`<data dir>/run/platform.json`), None when there is none."""
    try:
        return json.loads(settings.state_file.read_text())
    except FileNotFoundError:
        return None


def process_alive(pid: int, marker: str) -> bool:
    """Whether the pid runs and, on Linux, still belongs to the process whose command line contains `marker` (a pid
    may be reused; a zombie has an empty command line)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists():
        try:
            return marker in cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            return False
    return True


def restart_message(reason: str, restart: int, backoff: float) -> str:
    return f"{reason} (restart {restart}, after a {backoff:g} s backoff)"


def _utc_now(plus_seconds: float = 0.0) -> str:
    return (datetime.now(timezone.utc) + timedelta(seconds=plus_seconds)).isoformat(timespec="seconds")


class LogFollower:
    """Prints new lines of the parts' log files, prefixed with the part's name."""

    def __init__(self, logs: dict[str, Path], from_start: bool = False):
        self.prefixer = Prefixer(list(logs))
        self.files = {}
        for name, path in logs.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(exist_ok=True)
            handle = path.open("r", errors="replace")
            if not from_start:
                handle.seek(0, os.SEEK_END)
            self.files[name] = handle
        self.partial = {name: "" for name in logs}

    def pump(self) -> None:
        for name, handle in self.files.items():
            chunk = handle.read()
            if not chunk:
                continue
            text = self.partial[name] + chunk
            *complete, self.partial[name] = text.split("\n")
            for line in complete:
                print(self.prefixer.line(name, line), flush=True)

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()
