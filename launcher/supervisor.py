"""Start, watch and stop the processes of one platform instance.

Each part runs in its own session (process group) so that Ctrl-C reaches only the launcher, which then
stops the parts in order (gateway first, Redis last) and kills whatever ignores SIGTERM. The pids live in
`<data dir>/run/platform.json`, which lets `--detach`, `down`, `status` and `logs` work across
invocations. Every part writes to `<data dir>/logs/<part>.log`.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from . import build, faults
from .config import (DEFAULT_JAVA_OPTS, FAULT_PROXY, OBSERVABILITY_PARTS, PARTS, REDIS, ROOT, SERVICES,
                     ZIPKIN_JAVA_OPTS, ZIPKIN_MAX_SPANS, Part, Settings, port_in_use)
from .observability import local_config
from .console import Prefixer, fail, step
from .health import probe

STOP_GRACE_SECONDS = 20
START_TIMEOUT_SECONDS = 240  # three JVMs starting at once on two cores take about a minute


@dataclass
class Running:
    part: Part
    pid: int
    log: Path
    marker: str  # a string that must appear in the process's command line (guards against pid reuse)


class Supervisor:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.running: dict[str, Running] = {}
        self._children: dict[int, subprocess.Popen] = {}

    # -- state -------------------------------------------------------------------------------------

    def load_state(self) -> bool:
        """Adopt the processes of an instance started earlier (for down/status/logs). False if none."""
        if not self.settings.state_file.exists():
            return False
        state = json.loads(self.settings.state_file.read_text())
        parts = {p.name: p for p in PARTS}
        self.settings.ports.update(state.get("ports", {}))
        if state.get("external_redis_url"):
            self.settings.external_redis_url = state["external_redis_url"]
        for name, entry in state["parts"].items():
            part = parts.get(name) or Part(name, "server", "", 0, "")
            self.running[name] = Running(part, entry["pid"], Path(entry["log"]), entry["marker"])
        return True

    def _save_state(self) -> None:
        self.settings.run_dir.mkdir(parents=True, exist_ok=True)
        state = {
            "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "ports": self.settings.ports,
            "external_redis_url": self.settings.external_redis_url,
            "parts": {n: {"pid": r.pid, "log": str(r.log), "marker": r.marker} for n, r in self.running.items()},
        }
        self.settings.state_file.write_text(json.dumps(state, indent=2))

    def alive(self, name: str) -> bool:
        r = self.running.get(name)
        if r is None:
            return False
        child = self._children.get(r.pid)
        if child is not None:
            return child.poll() is None
        try:
            os.kill(r.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        cmdline = Path(f"/proc/{r.pid}/cmdline")
        if cmdline.exists():  # Linux: make sure the pid still belongs to our process
            try:
                return r.marker in cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                return False
        return True

    def any_alive(self) -> bool:
        return any(self.alive(n) for n in self.running)

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
            return [build.java_executable(), *java_opts, "-jar", str(build.jar_path(part.module))]
        return [build.venv_python(), "-m", part.module]

    def check_ports(self, parts: tuple[Part, ...]) -> None:
        for part in parts:
            port = self.settings.ports[part.name]
            if port_in_use(port):
                fail(f"port {port} ({part.name}, {part.port_var}) is already in use: stop what listens there "
                     f"(`ss -ltnp 'sport = :{port}'` shows it) or set {part.port_var} to a free port")

    def start(self, part: Part) -> Running:
        cmd = self.command(part)
        env = self.settings.child_env(part)
        if part.kind == "zipkin":  # Zipkin's own variables: spans kept in memory, at most this many
            env |= {"STORAGE_TYPE": "mem", "MEM_MAX_SPANS": str(ZIPKIN_MAX_SPANS)}
        # What must appear in the process's command line: its jar, module or configuration file.
        markers = {"redis": "redis-server", "zipkin": cmd[cmd.index("-jar") + 1] if "-jar" in cmd else "",
                   "prometheus": cmd[1]}
        return self.spawn(part, cmd, env, marker=markers.get(part.kind, cmd[-1]))

    def spawn(self, part: Part, cmd: list[str], env: dict[str, str], marker: str,
              user: str | None = None) -> Running:
        """Start one process in its own session, output appended to its log; `user` needs root."""
        self.settings.logs_dir.mkdir(parents=True, exist_ok=True)
        log = self.settings.logs_dir / f"{part.name}.log"
        with log.open("ab") as out:
            out.write(f"---- {datetime.now(timezone.utc).isoformat(timespec='seconds')} "
                      f"starting: {shlex.join(cmd)}\n".encode())
            out.flush()
            child = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True, user=user)
        running = Running(part, child.pid, log, marker)
        self._children[child.pid] = child
        self.running[part.name] = running
        self._save_state()
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
        for part in (*observability, *SERVICES):
            self.start(part)
        self.wait_healthy((*observability, *SERVICES), timeout=START_TIMEOUT_SECONDS, on_tick=on_tick)

    # -- stop --------------------------------------------------------------------------------------

    def stop_all(self) -> None:
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
        log = self.running[name].log
        if not log.exists():
            return "  (no log)"
        return "\n".join("  " + line for line in log.read_text(errors="replace").splitlines()[-lines:])


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
