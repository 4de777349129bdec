#!/usr/bin/env python3
"""notification-service under many WebSocket clients, next to the seed article's minimal Node `ws` server.

For each N in --clients it opens N WebSocket connections to one notification-service instance (one user each) and
measures:

- the instance's RSS with N connections held;
- broadcast fan-out: from the XADD of a notification.broadcast on platform.events to the last of the N clients
  receiving it (median of --fanouts runs), i.e. consume, history write, Redis pub/sub and N sends;
- event -> client latency p50/p99 at a steady --rate broadcasts/s for --seconds (every client, every event);
- the same broadcast fan-out through benchmarks/node-ws/server.js (POST /broadcast, then N sends), and the ratio.

It starts its own redis-server and the built jar (./mvnw -B -ntp -pl notification-service -am package -DskipTests)
on free ports; tickets are written straight into Redis (the documented key notification:ticket:<ticket>), so no
auth-service is needed. Run `npm ci` in benchmarks/node-ws first. The clients are Python asyncio in one process on
the same machine, so the figures include the client's own cost; on two cores that matters at large N.

    .venv/bin/python benchmarks/notifications_fanout.py --clients 1000,5000,10000
"""

from __future__ import annotations

import argparse
import asyncio
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
from datetime import datetime, timezone
from pathlib import Path

import redis
import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.record import add_record_option, write_record  # noqa: E402

JAR = ROOT / "notification-service" / "target" / "notification-service.jar"
NODE_SERVER = ROOT / "benchmarks" / "node-ws" / "server.js"


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


def now_rfc3339() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def broadcast_event() -> dict:
    event_id = str(uuid.uuid4())
    return {
        "specversion": "1.0", "id": event_id, "source": "/benchmark", "type": "notification.broadcast",
        "time": now_rfc3339(), "datacontenttype": "application/json",
        "dataschema": "https://polyglot.dev/schemas/events/notification.broadcast.json",
        "traceparent": f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01",
        "data": {"broadcast_id": str(uuid.uuid4()), "message": "benchmark", "severity": "info",
                 "sent_by": str(uuid.uuid4()), "sent_at": now_rfc3339()},
    }


class Clients:
    """N WebSocket clients that note when each event id reaches them."""

    def __init__(self) -> None:
        self.sockets: list = []
        self.tasks: list[asyncio.Task] = []
        self.arrivals: dict[str, list[float]] = {}

    async def open(self, urls: list[str], batch: int = 200) -> None:
        for start in range(0, len(urls), batch):
            opened = await asyncio.gather(*(websockets.connect(url, open_timeout=60, max_queue=None, ping_interval=None)
                                            for url in urls[start:start + batch]))
            for ws in opened:
                self.sockets.append(ws)
                self.tasks.append(asyncio.create_task(self._read(ws)))

    async def _read(self, ws) -> None:
        try:
            async for text in ws:
                arrived = time.time()
                frame = json.loads(text)
                kind = frame.get("type")
                if kind == "ping":
                    await ws.send(json.dumps({"type": "pong", "nonce": frame["nonce"]}))
                elif kind in ("event", "broadcast"):
                    self.arrivals.setdefault(frame["id"], []).append(arrived)
        except websockets.ConnectionClosed:
            pass

    async def wait_for(self, event_id: str, count: int, timeout: float = 120) -> list[float]:
        deadline = time.monotonic() + timeout
        while len(self.arrivals.get(event_id, ())) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        return self.arrivals.get(event_id, [])

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws in self.sockets), return_exceptions=True)


async def java_round(n: int, args, redis_client, port: int, pid: int) -> dict:
    urls = []
    for _ in range(n):
        ticket = secrets.token_urlsafe(32)
        redis_client.set(f"notification:ticket:{ticket}",
                         json.dumps({"user_id": str(uuid.uuid4()), "email": "b@example.com", "roles": ["user"]}), ex=600)
        urls.append(f"ws://127.0.0.1:{port}/ws/notifications?ticket={ticket}")
    clients = Clients()
    started = time.monotonic()
    await clients.open(urls)
    connect_s = time.monotonic() - started
    await asyncio.sleep(2)
    rss = rss_mib(pid)

    fanouts = []
    for _ in range(args.fanouts):
        event = broadcast_event()
        sent = time.time()
        redis_client.xadd("platform.events", {"cloudevent": json.dumps(event)})
        arrivals = await clients.wait_for(event["id"], n)
        assert len(arrivals) == n, f"{len(arrivals)} of {n} clients got the broadcast"
        fanouts.append((max(arrivals) - sent) * 1000)
        await asyncio.sleep(0.5)

    latencies = []
    ids = []
    interval = 1 / args.rate
    for _ in range(int(args.rate * args.seconds)):
        event = broadcast_event()
        ids.append((event["id"], datetime.strptime(event["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
                    .replace(tzinfo=timezone.utc).timestamp()))
        redis_client.xadd("platform.events", {"cloudevent": json.dumps(event)})
        await asyncio.sleep(interval)
    for event_id, at in ids:
        latencies.extend((arrived - at) * 1000 for arrived in await clients.wait_for(event_id, n))
    await clients.close()
    latencies.sort()
    return {"connect_s": connect_s, "rss_mib": rss, "fanout_ms": statistics.median(fanouts),
            "p50_ms": latencies[len(latencies) // 2], "p99_ms": latencies[int(len(latencies) * 0.99) - 1]}


async def node_round(n: int, args, port: int, pid: int) -> dict:
    clients = Clients()
    await clients.open([f"ws://127.0.0.1:{port}/"] * n)
    await asyncio.sleep(2)
    rss = rss_mib(pid)
    fanouts = []
    loop = asyncio.get_running_loop()
    for _ in range(args.fanouts):
        body = json.dumps({"type": "broadcast", "id": str(uuid.uuid4()), "time": now_rfc3339()}).encode()
        event_id = json.loads(body)["id"]
        sent = time.time()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/broadcast", data=body, method="POST")
        await loop.run_in_executor(None, lambda: urllib.request.urlopen(request, timeout=60).read())
        arrivals = await clients.wait_for(event_id, n)
        assert len(arrivals) == n, f"{len(arrivals)} of {n} node clients got the broadcast"
        fanouts.append((max(arrivals) - sent) * 1000)
        await asyncio.sleep(0.5)
    await clients.close()
    return {"rss_mib": rss, "fanout_ms": statistics.median(fanouts)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", default="1000,5000,10000")
    parser.add_argument("--fanouts", type=int, default=5, help="broadcasts timed per N (median reported)")
    parser.add_argument("--rate", type=float, default=10, help="broadcasts per second for the latency run")
    parser.add_argument("--seconds", type=float, default=5)
    add_record_option(parser)
    args = parser.parse_args()
    sizes = [int(n) for n in args.clients.split(",")]
    if not JAR.is_file():
        raise SystemExit(f"{JAR} missing: ./mvnw -B -ntp -pl notification-service -am package -DskipTests")
    if not (NODE_SERVER.parent / "node_modules" / "ws").is_dir():
        raise SystemExit("run `npm ci` in benchmarks/node-ws first")

    workdir = Path(tempfile.mkdtemp(prefix="notify-bench-"))
    processes = []
    rounds = []
    try:
        redis_port, java_port, node_port = free_port(), free_port(), free_port()
        redis_binary = os.environ.get("REDIS_SERVER_BINARY") or shutil.which("redis-server") or "redis-server"
        processes.append(subprocess.Popen([redis_binary, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                                           "--appendonly", "no", "--dir", str(workdir)], stdout=subprocess.DEVNULL))
        redis_url = f"redis://127.0.0.1:{redis_port}/0"
        env = {**os.environ, "REDIS_URL": redis_url, "NOTIFICATION_PORT": str(java_port), "BIND_ADDRESS": "127.0.0.1",
               "NOTIFICATION_MAX_CONNECTIONS_PER_USER": "5", "INSTANCE_ID": "bench"}
        java_opts = os.environ.get("JAVA_OPTS", "-Xms64m -Xmx384m -XX:+UseSerialGC").split()
        java = subprocess.Popen(["java", *java_opts, "-jar", str(JAR)], env=env, stdout=open(workdir / "java.log", "w"),
                                stderr=subprocess.STDOUT)
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
            java_figures = asyncio.run(java_round(n, args, redis_client, java_port, java.pid))
            node_figures = asyncio.run(node_round(n, args, node_port, node.pid))
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
