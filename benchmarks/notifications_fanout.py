#!/usr/bin/env python3
"""notification-service under many WebSocket clients, next to the seed article's minimal Node `ws` server.

For each N in --clients it opens N WebSocket connections to one notification-service instance (one user each) and
measures:

- the instance's RSS with N connections held, after the broadcasts;
- broadcast fan-out: from the XADD of a notification.broadcast on platform.events to the last of the N clients
  receiving it (median of --fanouts runs, after --warmup broadcasts that are not timed, so that the JVM has compiled
  the send path), i.e. consume, history write, Redis pub/sub and N sends;
- event -> client latency p50/p99 at a steady --rate broadcasts/s for --seconds (every client, every event);
- the same (warm-up, fan-out, RSS) through benchmarks/node-ws/server.js (POST /broadcast, then N sends), and the
  ratio Java / Node of the fan-out times.

The clients are benchmarks/fanout-client, a Go program (github.com/coder/websocket) built here with `go build` (Go
from PATH or /usr/local/go/bin): one goroutine per connection, it answers the server's pings and notes each
client's receipt of each event id, and reports to this script in JSON lines. It replaced a Python asyncio client
that saturated at 10k connections and so measured itself. It still shares the machine's cores with the server.

It starts its own redis-server and the jar (--jar, default the built one: ./mvnw -B -ntp -pl notification-service
-am package -DskipTests) on free ports; tickets are written straight into Redis (the documented key
notification:ticket:<ticket>), so no auth-service is needed; each connection is subscribed to the broadcast topic
by its hello (contracts/asyncapi), which the client waits for. Run `npm ci` in benchmarks/node-ws first.

    .venv/bin/python benchmarks/notifications_fanout.py --clients 1000,5000,10000
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.record import add_record_option, write_record  # noqa: E402

JAR = ROOT / "notification-service" / "target" / "notification-service.jar"
NODE_SERVER = ROOT / "benchmarks" / "node-ws" / "server.js"
CLIENT_SOURCE = ROOT / "benchmarks" / "fanout-client"
CLIENT = CLIENT_SOURCE / "fanout-client"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_http(url: str, deadline_s: float = 120) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} not healthy within {deadline_s} s")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rfc3339(at_ns: int) -> str:
    return datetime.fromtimestamp(at_ns / 1e9, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def broadcast_event(at_ns: int) -> dict:
    return {
        "specversion": "1.0", "id": str(uuid.uuid4()), "source": "/benchmark", "type": "notification.broadcast",
        "time": rfc3339(at_ns), "datacontenttype": "application/json",
        "dataschema": "https://polyglot.dev/schemas/events/notification.broadcast.json",
        "traceparent": f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01",
        "data": {"broadcast_id": str(uuid.uuid4()), "message": "benchmark", "severity": "info",
                 "sent_by": str(uuid.uuid4()), "sent_at": rfc3339(at_ns)},
    }


def build_client() -> None:
    go = shutil.which("go") or shutil.which("go", path="/usr/local/go/bin")
    if go is None:
        raise SystemExit("go not found (PATH or /usr/local/go/bin): it builds benchmarks/fanout-client")
    subprocess.run([go, "build", "-o", str(CLIENT), "."], cwd=CLIENT_SOURCE, check=True)


class Clients:
    """N connections held by one fanout-client process, which answers in JSON lines."""

    def __init__(self, arguments: list[str]) -> None:
        self.process = subprocess.Popen([str(CLIENT), *arguments], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)
        ready = self._answer()
        if ready.get("kind") != "ready":
            self.close()
            raise SystemExit(f"fanout-client could not connect: {ready}")
        self.count = ready["clients"]
        self.connect_s = ready["connect_s"]

    def _answer(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"fanout-client ended (exit {self.process.wait()})")
        return json.loads(line)

    def report(self, sent: list[tuple[str, int]], timeout_s: float = 120) -> dict:
        """Waits until every client received each (event id, sent at ns); its fan-out times and latencies."""
        self.process.stdin.write(json.dumps({"report": [{"id": event_id, "sent_ns": at} for event_id, at in sent],
                                             "timeout_s": timeout_s}) + "\n")
        self.process.stdin.flush()
        answer = self._answer()
        expected = self.count * len(sent)
        if answer.get("received") != expected:
            raise SystemExit(f"{answer.get('received')} of {expected} receipts arrived: {answer}")
        return answer

    def close(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()


def timed_fanouts(clients: Clients, broadcast, count: int) -> list[float]:
    """`count` broadcasts one after the other, each waited for by every client: their fan-out times (ms)."""
    fanouts = []
    for _ in range(count):
        fanouts.extend(clients.report([broadcast()])["fanout_ms"])
        time.sleep(0.2)
    return fanouts


def java_round(n: int, args, redis_client, port: int, pid: int, workdir: Path) -> dict:
    urls = []
    tickets = redis_client.pipeline(transaction=False)
    for _ in range(n):
        ticket = secrets.token_urlsafe(32)
        tickets.set(f"notification:ticket:{ticket}",
                    json.dumps({"user_id": str(uuid.uuid4()), "email": "b@example.com", "roles": ["user"]}), ex=600)
        urls.append(f"ws://127.0.0.1:{port}/ws/notifications?ticket={ticket}")
    tickets.execute()
    url_file = workdir / f"urls-{n}.txt"
    url_file.write_text("\n".join(urls) + "\n")
    clients = Clients(["-urls", str(url_file), "-hello"])

    def broadcast() -> tuple[str, int]:
        sent = time.time_ns()
        event = broadcast_event(sent)
        redis_client.xadd("platform.events", {"cloudevent": json.dumps(event)})
        return event["id"], sent

    try:
        timed_fanouts(clients, broadcast, args.warmup)
        fanouts = timed_fanouts(clients, broadcast, args.fanouts)
        steady = []
        interval = 1 / args.rate
        for _ in range(int(args.rate * args.seconds)):
            steady.append(broadcast())
            time.sleep(interval)
        latency = clients.report(steady)["latency_ms"]
        rss = rss_mib(pid)
    finally:
        clients.close()
    return {"connect_s": clients.connect_s, "rss_mib": rss, "fanout_ms": statistics.median(fanouts),
            "p50_ms": latency["p50"], "p99_ms": latency["p99"]}


def node_round(n: int, args, port: int, pid: int) -> dict:
    clients = Clients(["-url", f"ws://127.0.0.1:{port}/", "-n", str(n)])

    def broadcast() -> tuple[str, int]:
        event_id = str(uuid.uuid4())
        sent = time.time_ns()
        body = json.dumps({"type": "broadcast", "id": event_id, "time": rfc3339(sent)}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/broadcast", data=body, method="POST")
        urllib.request.urlopen(request, timeout=60).read()
        return event_id, sent

    try:
        timed_fanouts(clients, broadcast, args.warmup)
        fanouts = timed_fanouts(clients, broadcast, args.fanouts)
        rss = rss_mib(pid)
    finally:
        clients.close()
    return {"rss_mib": rss, "fanout_ms": statistics.median(fanouts)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", default="1000,5000,10000")
    parser.add_argument("--fanouts", type=int, default=5, help="broadcasts timed per N (median reported)")
    parser.add_argument("--warmup", type=int, default=10,
                        help="broadcasts per N before the timed ones, not timed (the JVM compiles the send path)")
    parser.add_argument("--rate", type=float, default=10, help="broadcasts per second for the latency run")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--jar", type=Path, default=JAR, help="the notification-service jar to measure")
    add_record_option(parser)
    args = parser.parse_args()
    sizes = [int(n) for n in args.clients.split(",")]
    if not args.jar.is_file():
        raise SystemExit(f"{args.jar} missing: ./mvnw -B -ntp -pl notification-service -am package -DskipTests")
    if not (NODE_SERVER.parent / "node_modules" / "ws").is_dir():
        raise SystemExit("run `npm ci` in benchmarks/node-ws first")
    build_client()

    workdir = Path(tempfile.mkdtemp(prefix="notify-bench-"))
    processes = []
    rounds = []
    print(f"load average before: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    try:
        redis_port, java_port, node_port = free_port(), free_port(), free_port()
        redis_binary = os.environ.get("REDIS_SERVER_BINARY") or shutil.which("redis-server") or "redis-server"
        processes.append(subprocess.Popen([redis_binary, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                                           "--appendonly", "no", "--dir", str(workdir)], stdout=subprocess.DEVNULL))
        redis_url = f"redis://127.0.0.1:{redis_port}/0"
        env = {**os.environ, "REDIS_URL": redis_url, "NOTIFICATION_PORT": str(java_port), "BIND_ADDRESS": "127.0.0.1",
               "NOTIFICATION_MAX_CONNECTIONS_PER_USER": "5", "INSTANCE_ID": "bench"}
        java_opts = os.environ.get("JAVA_OPTS", "-Xms64m -Xmx384m -XX:+UseSerialGC").split()
        java = subprocess.Popen(["java", *java_opts, "-jar", str(args.jar)], env=env,
                                stdout=open(workdir / "java.log", "w"), stderr=subprocess.STDOUT)
        processes.append(java)
        node = subprocess.Popen(["node", str(NODE_SERVER)], env={**os.environ, "PORT": str(node_port)},
                                stdout=subprocess.DEVNULL)
        processes.append(node)
        wait_http(f"http://127.0.0.1:{java_port}/actuator/health/readiness")
        wait_http(f"http://127.0.0.1:{node_port}/health")
        redis_client = redis.Redis.from_url(redis_url)
        print(f"notification-service idle RSS {rss_mib(java.pid):.0f} MiB, node-ws idle RSS {rss_mib(node.pid):.0f} MiB")
        print(f"{'clients':>8} {'connect s':>9} {'java RSS':>9} {'node RSS':>9} {'fan-out java ms':>16} "
              f"{'fan-out node ms':>16} {'java/node':>9} {'p50 ms':>7} {'p99 ms':>7}")
        for n in sizes:
            java_figures = java_round(n, args, redis_client, java_port, java.pid, workdir)
            node_figures = node_round(n, args, node_port, node.pid)
            print(f"{n:>8} {java_figures['connect_s']:>9.1f} {java_figures['rss_mib']:>8.0f}M "
                  f"{node_figures['rss_mib']:>8.0f}M {java_figures['fanout_ms']:>16.1f} {node_figures['fanout_ms']:>16.1f} "
                  f"{java_figures['fanout_ms'] / node_figures['fanout_ms']:>9.2f} {java_figures['p50_ms']:>7.1f} "
                  f"{java_figures['p99_ms']:>7.1f}", flush=True)
            rounds.append((n, java_figures, node_figures))
    finally:
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(workdir, ignore_errors=True)
        print(f"load average after: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    record(args, rounds)


def record(args, rounds: list[tuple[int, dict, dict]]) -> None:
    """Connections one instance held (the largest N), and its fan-out in frames/s: N / fan-out time, the lowest over
    the N measured; the peer's ratio at that N."""
    held, held_figures, _ = max(rounds, key=lambda round_: round_[0])
    n, java_figures, node_figures = min(rounds, key=lambda round_: round_[0] / round_[1]["fanout_ms"])
    write_record(args.record, "notifications_fanout.py",
                 {"connections_held_per_instance": held, "rss_mib_with_those_connections": round(held_figures["rss_mib"]),
                  "fanout_frames_per_second_per_instance": round(n / (java_figures["fanout_ms"] / 1000))},
                 {"name": f"bare Node ws server, fan-out to {n} clients",
                  "ratio": round(node_figures["fanout_ms"] / java_figures["fanout_ms"], 3)})


if __name__ == "__main__":
    main()
