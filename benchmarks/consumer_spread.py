"""How a consumer group's events spread over several instances of a service, each kit, and whether one stalls.

    python3 benchmarks/consumer_spread.py [--instances 2,3] [--events 2000] [--rate 200] [--languages java,python]

Runs a private redis-server on a free port. For each language and each number of instances it starts that many
processes of the shipped events tool (`consume`: the kit's own StreamConsumer or service_kit consumer, production
settings: BLOCK 2 s, batches of 16), each its own consumer of one group, then publishes --events at a steady --rate
(Python publisher) and lets them drain. Per instance: events handled and its one-way p99; per run: the share of the
least busy instance against an even split (1.0 = perfectly even; the peer is the even share), and what was left
pending or unhandled (must be 0). A stalled read (a consumer blocked past its BLOCK, docs/flows.md) shows as a share
far below 1 and a p99 of seconds.
Two shared cores: read figures as orders of magnitude, and run it twice.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interop.events_tools import broadcast_data, run_tool, start_tool  # noqa: E402
from launcher.build import redis_server_executable  # noqa: E402
from launcher.config import free_port  # noqa: E402

# Long enough for every consumer to join the group before the first event (a JVM's start), and to drain after.
JOIN_SECONDS = {"java": 12.0, "python": 4.0}
DRAIN_SECONDS = 20


def spread_run(redis_url: str, language: str, instances: int, events: int, rate: float) -> dict:
    stream = f"spread.{uuid.uuid4().hex[:8]}"
    # Each consumer waits for more than can come, and reports what it handled when its time is up (exit 1).
    seconds = int(events / rate + JOIN_SECONDS[language] + DRAIN_SECONDS)
    consumers = [start_tool(language, ["consume", "--redis-url", redis_url, "--stream", stream, "--group", "spread",
                                       "--count", str(events + 1), "--timeout-seconds", str(seconds)])
                 for _ in range(instances)]
    time.sleep(JOIN_SECONDS[language])
    run_tool("python", ["publish", "--redis-url", redis_url, "--stream", stream, "--count", str(events),
                        "--rate", str(rate), "--data-json", broadcast_data("x" * 200)])
    results = []
    for process in consumers:
        stdout, stderr = process.communicate(timeout=seconds + 60)
        lines = stdout.strip().splitlines()
        if not lines:
            raise RuntimeError(f"a {language} consumer printed no result (exit {process.returncode}):\n{stderr[-3000:]}")
        results.append(json.loads(lines[-1]))
    handled = [result["consumed"] for result in results]
    return {"language": language, "instances": instances, "handled": handled,
            "p99_ms": [result["p99_ms"] for result in results],
            "least_share": min(handled) / (events / instances), "unhandled": events - sum(handled)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", default="2,3", help="numbers of instances to try, comma-separated")
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=200.0, help="events per second, steady")
    parser.add_argument("--languages", default="java,python")
    args = parser.parse_args()
    counts = [int(n) for n in args.instances.split(",")]
    if any(n < 1 for n in counts) or args.events < 1 or args.rate <= 0:
        parser.error("--instances, --events and --rate must be positive")
    languages = args.languages.split(",")
    if set(languages) - set(JOIN_SECONDS):
        parser.error(f"languages are {', '.join(JOIN_SECONDS)}")
    os.environ["TRACING_SAMPLING_PROBABILITY"] = "0.0"  # what is measured is the spread, not tracing
    from service_kit_testing.redis_server import PrivateRedis  # noqa: PLC0415

    rows = []
    with tempfile.TemporaryDirectory(prefix="consumer-spread-") as directory:
        server = PrivateRedis(binary=redis_server_executable(), port=free_port(), directory=Path(directory))
        server.start()
        try:
            for language in languages:
                for instances in counts:
                    rows.append(spread_run(server.url, language, instances, args.events, args.rate))
        finally:
            server.stop()
    print(f"{args.events} events at {args.rate:g}/s over one consumer group")
    print(f"{'kit':8} {'instances':>9}  {'handled by each':24} {'p99 ms each':24} {'least ÷ even':>12} {'unhandled':>9}")
    for row in rows:
        print(f"{row['language']:8} {row['instances']:>9}  {' / '.join(map(str, row['handled'])):24} "
              f"{' / '.join(f'{p:.0f}' for p in row['p99_ms']):24} {row['least_share']:>12.2f} {row['unhandled']:>9}")


if __name__ == "__main__":
    main()
