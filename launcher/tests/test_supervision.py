"""Supervision over real processes: a real Redis (the platform's own part, started as ./platform up starts it) killed,
hung and brought back; a part that keeps crashing; a detached supervisor process stopped by `./platform down`.

The in-process tests use shorter numbers than the platform's (RestartRules below) so that a crash loop takes a
second, not a minute; the policy's own numbers are tested in test_restart_policy.py. The detached test runs the real
`python -m launcher supervise` with the platform's numbers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from service_kit_testing.waiting import wait_until

from launcher.config import PLATFORM_VARIABLES, REDIS, ROOT, SERVICES, Part, free_port, load_settings, port_in_use
from launcher.console import LauncherError
from launcher.health import redis_ping
from launcher.restart_policy import RestartRules
from launcher.supervisor import Supervisor, process_alive

FAST = RestartRules(probe_interval=0.2, probe_timeout=0.5, failed_probes_before_restart=3, first_backoff=0.2,
                    max_backoff=1.6, backoff_reset_after=60, stop_grace=0.5, start_timeout=10)


def clean_environ() -> dict[str, str]:
    """This process's environment without the platform's variables (the python suite sets REDIS_URL to its own)."""
    return {k: v for k, v in os.environ.items() if k not in PLATFORM_VARIABLES}


def state(supervisor: Supervisor) -> dict:
    return json.loads(supervisor.settings.state_file.read_text())


@pytest.fixture
def redis_platform(tmp_path: Path):
    """A Supervisor with a real Redis of the platform's table on a free port, supervised by a thread as a test
    platform is; stopped (supervision first) at the end."""
    messages: list[str] = []
    settings = load_settings(data_dir=tmp_path, ports={"redis": free_port()}, environ=clean_environ())
    supervisor = Supervisor(settings, rules=FAST, announce=messages.append)
    supervisor.messages = messages
    try:
        supervisor.start(REDIS)
        supervisor.wait_healthy((REDIS,), timeout=30)
        supervisor.supervise_in_thread()
        yield supervisor
    finally:
        pids = [r.pid for r in supervisor.running.values()]
        supervisor.stop_all()
        assert not [pid for pid in pids if process_alive(pid, "redis-server")], "a Redis was left behind"


def test_a_killed_part_comes_back_healthy_with_its_new_pid_in_the_state_file(redis_platform: Supervisor):
    supervisor = redis_platform
    port = supervisor.settings.ports["redis"]
    first = supervisor.running["redis"].pid
    os.kill(first, signal.SIGKILL)
    wait_until(lambda: state(supervisor)["parts"]["redis"]["restarts"] == 1, timeout=10, message="restart recorded")
    wait_until(lambda: redis_ping(port), timeout=10, message="the restarted Redis answers PING")
    entry = state(supervisor)["parts"]["redis"]
    assert entry["pid"] == supervisor.running["redis"].pid != first
    assert process_alive(entry["pid"], "redis-server")
    assert entry["last_restart_reason"] == "exited with signal SIGKILL"
    assert entry["last_restart_at"]
    assert state(supervisor)["ports"]["redis"] == port, "same port"
    log = supervisor.settings.logs_dir / "redis.log"
    assert "restarting: exited with signal SIGKILL (restart 1, after a 0.2 s backoff)" in log.read_text()
    assert any(m.startswith("restarting redis: exited with signal SIGKILL (restart 1") for m in supervisor.messages)


def test_a_hung_part_is_stopped_and_restarted_after_three_unanswered_probes(redis_platform: Supervisor):
    supervisor = redis_platform
    hung = supervisor.running["redis"].pid
    # Once the supervisor has seen it answer: before, it is still starting, and only the start timeout applies.
    wait_until(lambda: "redis" in supervisor.watches and supervisor.watches["redis"].has_answered, timeout=10,
               message="a first answered probe")
    os.kill(hung, signal.SIGSTOP)  # alive, holding its port, answering nothing: ignores SIGTERM too
    try:
        wait_until(lambda: state(supervisor)["parts"]["redis"]["restarts"] == 1, timeout=15,
                   message="hung Redis restarted")
    finally:
        if process_alive(hung, "redis-server"):
            os.kill(hung, signal.SIGKILL)
    wait_until(lambda: redis_ping(supervisor.settings.ports["redis"]), timeout=10, message="PONG again")
    assert not process_alive(hung, "redis-server")
    assert state(supervisor)["parts"]["redis"]["last_restart_reason"] == (
        "did not answer 3 health probes in a row (no answer to PING)")
    assert any("ignored SIGTERM" in m for m in supervisor.messages), supervisor.messages


def test_a_part_that_keeps_crashing_is_restarted_with_a_growing_backoff(tmp_path: Path):
    port = free_port()
    settings = load_settings(data_dir=tmp_path, ports={"crasher": port}, environ=clean_environ())
    restarted_at: list[float] = []
    messages: list[str] = []

    def announce(message: str) -> None:
        messages.append(message)
        if message.startswith("restarting crasher"):
            restarted_at.append(time.monotonic())

    supervisor = Supervisor(settings, rules=FAST, announce=announce)
    crasher = Part("crasher", "python", "CRASHER_PORT", port, "/health")
    supervisor.spawn(crasher, [sys.executable, "-c", "import sys; print('crashing'); sys.exit(3)"],
                     clean_environ(), marker="crashing")
    try:
        supervisor.supervise_in_thread()
        wait_until(lambda: len(restarted_at) >= 5, timeout=20, message="five restarts")
    finally:
        supervisor.stop_all()
    announced = [m for m in messages if m.startswith("restarting crasher")]
    assert [m.split("after a ")[1].split(" s backoff")[0] for m in announced[:5]] == ["0.2", "0.4", "0.8", "1.6", "1.6"]
    assert all("exited with code 3" in m for m in announced)
    gaps = [b - a for a, b in zip(restarted_at, restarted_at[1:])]
    assert gaps[0] < gaps[2], f"the waits grow: {gaps}"
    assert all(gap >= wait for gap, wait in zip(gaps, (0.4, 0.8, 1.6, 1.6))), gaps
    log = (tmp_path / "logs" / "crasher.log").read_text()
    assert log.count("---- ") >= 2 * 5 and log.count("crashing") >= 6


def test_a_part_answering_503_is_not_restarted(tmp_path: Path):
    """503 is what a service answers while Redis is away: alive, so a restart would not help (restart_policy.py)."""
    port = free_port()
    settings = load_settings(data_dir=tmp_path, ports={"degraded": port}, environ=clean_environ())
    supervisor = Supervisor(settings, rules=FAST, announce=lambda message: None)
    server = ("import http.server\n"
              "class H(http.server.BaseHTTPRequestHandler):\n"
              "    def do_GET(self):\n"
              "        self.send_response(503); self.end_headers(); self.wfile.write(b'{\"status\":\"DOWN\"}')\n"
              f"http.server.HTTPServer(('127.0.0.1', {port}), H).serve_forever()\n")
    degraded = Part("degraded", "python", "DEGRADED_PORT", port, "/health")
    first = supervisor.spawn(degraded, [sys.executable, "-u", "-c", server], clean_environ(), marker="serve_forever").pid
    log = tmp_path / "logs" / "degraded.log"
    try:
        supervisor.supervise_in_thread()
        # Ten probes answered 503, over three times what a hung part is given.
        wait_until(lambda: log.read_text().count('"GET /health HTTP/1.1" 503') >= 10, timeout=15,
                   message="ten probes answered 503")
    finally:
        supervisor.stop_all()
    assert supervisor.running == {} and first and "restarting" not in log.read_text()


def test_a_part_whose_readiness_hangs_but_whose_liveness_answers_is_not_restarted(tmp_path: Path):
    """A Java service's readiness asks Redis, and hangs while Redis is cut off (the chaos suite saw the gateway
    restarted for it): the supervisor probes its liveness path, which asks nothing outside the process."""
    port = free_port()
    settings = load_settings(data_dir=tmp_path, ports={"waiting": port}, environ=clean_environ())
    supervisor = Supervisor(settings, rules=FAST, announce=lambda message: None)
    server = ("import http.server, socketserver, time\n"
              "class H(http.server.BaseHTTPRequestHandler):\n"
              "    def do_GET(self):\n"
              "        if self.path == '/ready': time.sleep(60)\n"
              "        self.send_response(200); self.end_headers(); self.wfile.write(b'{\"status\":\"UP\"}')\n"
              "class S(socketserver.ThreadingMixIn, http.server.HTTPServer): daemon_threads = True\n"
              f"S(('127.0.0.1', {port}), H).serve_forever()\n")
    waiting = Part("waiting", "java", "WAITING_PORT", port, "/ready", liveness_path="/live")
    supervisor.spawn(waiting, [sys.executable, "-u", "-c", server], clean_environ(), marker="serve_forever")
    log = tmp_path / "logs" / "waiting.log"
    try:
        supervisor.supervise_in_thread()
        # Ten liveness probes answered, over three times what a hung part is given.
        wait_until(lambda: log.read_text().count('"GET /live HTTP/1.1" 200') >= 10, timeout=15,
                   message="ten liveness probes answered")
        restarts = supervisor.running["waiting"].restarts
    finally:
        supervisor.stop_all()
    assert restarts == 0 and '"GET /ready' not in log.read_text()


def test_down_stops_the_detached_supervisor_then_the_parts_and_leaves_nothing_behind(tmp_path: Path):
    """The real `python -m launcher supervise` that ./platform up --detach starts, adopting a Redis it did not start,
    restarting it when killed, shown by status, then `./platform down`."""
    data_dir = tmp_path / "data"
    port = free_port()
    environ = {**clean_environ(), "PLATFORM_DATA_DIR": str(data_dir), "REDIS_PORT": str(port)}
    settings = load_settings(data_dir=data_dir, environ=environ)
    starter = Supervisor(settings)  # plays ./platform up --detach, which exits after this
    starter.start(REDIS)
    starter.wait_healthy((REDIS,), timeout=30)
    first_redis = starter.running["redis"].pid
    process = starter.start_detached_supervisor()
    assert process.mode == "detached" and process_alive(process.pid, "-m launcher supervise")
    try:
        os.kill(first_redis, signal.SIGKILL)
        starter.alive("redis")  # reaps it: it is this process's child, as under ./platform up --detach until it exits
        wait_until(lambda: state(starter)["parts"]["redis"]["restarts"] == 1, timeout=20, message="restart recorded")
        wait_until(lambda: redis_ping(port), timeout=10, message="the restarted Redis answers PING")
        second_redis = state(starter)["parts"]["redis"]["pid"]
        assert second_redis != first_redis
        assert state(starter)["parts"]["redis"]["last_restart_reason"] == (
            "exited (exit status unknown: adopted from ./platform up --detach)")
        status = subprocess.run([sys.executable, "-m", "launcher", "status"], cwd=ROOT, env=environ,
                                capture_output=True, text=True, timeout=30)
        assert status.returncode == 0, status.stdout + status.stderr
        assert f"pid {second_redis}  restarts 1, last at " in status.stdout
        assert f"supervisor: running (pid {process.pid}, detached" in status.stdout
        supervisor_log = (data_dir / "logs" / "supervisor.log").read_text()
        assert "restarting redis: exited (exit status unknown" in supervisor_log

        down = subprocess.run([sys.executable, "-m", "launcher", "down"], cwd=ROOT, env=environ,
                              capture_output=True, text=True, timeout=90)
        assert down.returncode == 0, down.stdout + down.stderr
        assert down.stdout.index("stopping the supervisor") < down.stdout.index("stopping redis")
    finally:
        leftovers = [pid for pid, marker in ((process.pid, "-m launcher supervise"), (first_redis, "redis-server"))
                     if process_alive(pid, marker)]
        for pid in leftovers:
            os.kill(pid, signal.SIGKILL)
    assert leftovers == []
    assert not process_alive(second_redis, "redis-server")
    assert not port_in_use(port)
    assert not settings.state_file.exists()
    assert "supervision stopped" in (data_dir / "logs" / "supervisor.log").read_text()


def test_a_supervisor_with_nothing_to_adopt_fails_the_detached_start_and_says_why(tmp_path: Path):
    settings = load_settings(data_dir=tmp_path, environ=clean_environ())
    with pytest.raises(LauncherError, match=r"(?s)the supervisor exited at once \(code 1\).*no platform to supervise"):
        Supervisor(settings).start_detached_supervisor()


# A stand-in for a service process (a part's real process needs a build): a health endpoint on the port and with the
# INSTANCE_ID the launcher gives the instance, read from the environment as the kits read them.
FAKE_WORKER = """# fake-inference-worker
import json, os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
instance, port = os.environ["INSTANCE_ID"], int(os.environ["INFERENCE_WORKER_PORT"])
class Health(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"status": "UP", "instance_id": instance}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
print(f"{instance} serving on {port}", flush=True)
ThreadingHTTPServer(("127.0.0.1", port), Health).serve_forever()
"""


def instance_answer(port: int) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
            return json.loads(response.read())
    except OSError:
        return None


def test_two_instances_of_a_part_each_have_their_port_health_restarts_status_line_and_log(tmp_path: Path):
    """PLATFORM_SCALE=inference-worker=2: each instance started with the environment the launcher gives it (its own
    port and INSTANCE_ID), waited for, supervised (one killed comes back on its port, the other untouched), one line
    each in `./platform status`, each its own log; `./platform down` stops both."""
    environ = {**clean_environ(), "PLATFORM_DATA_DIR": str(tmp_path), "PLATFORM_SCALE": "inference-worker=2",
               "INFERENCE_WORKER_PORT": str(free_port())}
    settings = load_settings(data_dir=tmp_path, environ=environ)
    worker = next(p for p in SERVICES if p.name == "inference-worker")
    first, second = settings.instances(worker)
    ports = {first.name: settings.ports[first.name], second.name: settings.ports[second.name]}
    assert second.name == "inference-worker-2" and len(set(ports.values())) == 2
    supervisor = Supervisor(settings, rules=FAST, announce=lambda message: None)
    pids: list[int] = []
    try:
        for instance in (first, second):
            pids.append(supervisor.spawn(instance, [sys.executable, "-u", "-c", FAKE_WORKER],
                                         settings.child_env(instance), marker="fake-inference-worker").pid)
        supervisor.wait_healthy((first, second), timeout=20)
        assert instance_answer(ports[first.name])["instance_id"] == "inference-worker-1"
        assert instance_answer(ports[second.name])["instance_id"] == "inference-worker-2"
        supervisor.supervise_in_thread()

        os.kill(pids[1], signal.SIGKILL)
        wait_until(lambda: state(supervisor)["parts"][second.name]["restarts"] == 1, timeout=10,
                   message="instance 2 restarted")
        wait_until(lambda: instance_answer(ports[second.name]) is not None, timeout=10, message="instance 2 answers")
        assert instance_answer(ports[second.name])["instance_id"] == "inference-worker-2", "same port, same id"
        assert supervisor.running[second.name].pid != pids[1]
        assert (supervisor.running[first.name].pid, supervisor.running[first.name].restarts) == (pids[0], 0)
        assert state(supervisor)["scale"] == {"inference-worker": 2}

        status = subprocess.run([sys.executable, "-m", "launcher", "status"], cwd=ROOT, env=environ, check=False,
                                capture_output=True, text=True, timeout=30)
        lines = {line.split()[0]: line for line in status.stdout.splitlines() if line.startswith("inference-worker")}
        assert set(lines) == {"inference-worker", "inference-worker-2"}, status.stdout
        assert f":{ports[first.name]}" in lines["inference-worker"] and "healthy (HTTP 200 UP)" in lines[
            "inference-worker"] and "restarts" not in lines["inference-worker"]
        assert f":{ports[second.name]}" in lines["inference-worker-2"]
        assert "restarts 1" in lines["inference-worker-2"] and "exited with signal SIGKILL" in lines["inference-worker-2"]

        logs = subprocess.run([sys.executable, "-m", "launcher", "logs", "inference-worker"], cwd=ROOT, env=environ,
                              capture_output=True, text=True, timeout=30, check=False)
        assert "inference-worker   | inference-worker-1 serving on" in logs.stdout, logs.stdout
        assert "inference-worker-2 | inference-worker-2 serving on" in logs.stdout
        assert (tmp_path / "logs" / "inference-worker-2.log").read_text().count("inference-worker-2 serving on") == 2

        supervisor.stop_supervising()  # ./platform down stops the supervisor first: here, this thread
        pids = [r.pid for r in supervisor.running.values()]
        down = subprocess.run([sys.executable, "-m", "launcher", "down"], cwd=ROOT, env=environ, check=False,
                              capture_output=True, text=True, timeout=60)
        assert down.returncode == 0, down.stdout + down.stderr
        assert "stopping inference-worker, inference-worker-2" in down.stdout
    finally:
        supervisor.stop_all()
    assert not [pid for pid in pids if process_alive(pid, "fake-inference-worker")]
    assert not [port for port in ports.values() if port_in_use(port)]
