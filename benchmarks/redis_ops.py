"""Redis's own ceiling: commands per second one redis-server answers, measured with redis-benchmark.

    .venv/bin/python benchmarks/redis_ops.py [--requests 200000] [--clients 50] [--record PATH]

Starts a private redis-server (no persistence) on a free port in a temporary folder and runs redis-benchmark
(Debian: apt-get install redis-tools) against it for the commands the platform's hot paths are made of: SET, GET,
INCR, XADD. No pipelining: the platform's clients send one command per round trip, or pipeline a handful at most.
The figure for capacity.py is the slowest of them. redis-benchmark and the server share the machine's cores, so this
is a floor for a dedicated Redis host rather than its ceiling. It takes well under a minute.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.record import add_record_option, write_record
from launcher.build import redis_server_executable
from launcher.config import free_port

BUILT_IN = ("set", "get", "incr")
XADD = ["XADD", "bench.stream", "MAXLEN", "~", "100000", "*", "payload", "x" * 300]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200000, help="per command (200000)")
    parser.add_argument("--clients", type=int, default=50, help="parallel connections (50, redis-benchmark's default)")
    add_record_option(parser)
    args = parser.parse_args()
    benchmark = shutil.which("redis-benchmark")
    if benchmark is None:
        sys.exit("redis-benchmark is needed: apt-get install redis-tools")
    from service_kit_testing.redis_server import PrivateRedis

    with tempfile.TemporaryDirectory(prefix="redis-ops-") as directory:
        server = PrivateRedis(binary=redis_server_executable(), port=free_port(), directory=Path(directory))
        server.start()
        common = [benchmark, "-p", str(server.port), "-n", str(args.requests), "-c", str(args.clients), "--csv"]
        try:
            per_command = {row["test"].lower(): float(row["rps"]) for row in csv.DictReader(run(
                [*common, "-t", ",".join(BUILT_IN)]))}
            # redis-benchmark 7.0 has no built-in XADD test: the same command as events_throughput.py's raw publisher
            per_command["xadd"] = float(next(csv.DictReader(run([*common, *XADD])))["rps"])
        finally:
            server.stop()
    if sorted(per_command) != sorted([*BUILT_IN, "xadd"]):
        sys.exit(f"redis-benchmark did not report every command asked for: {per_command}")
    print(f"redis-benchmark, {args.clients} clients, {args.requests} requests each, no pipelining")
    for command, rate in per_command.items():
        print(f"  {command.upper():<5} {rate:>10,.0f} ops/s")
    write_record(args.record, "redis_ops.py",
                 {"ops_per_second": round(min(per_command.values())),
                  "by_command": {command: round(rate) for command, rate in per_command.items()}})


def run(command: list[str]) -> list[str]:
    """redis-benchmark's CSV lines, or the reason it failed."""
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"redis-benchmark failed: {result.stderr or result.stdout}")
    return result.stdout.splitlines()


if __name__ == "__main__":
    main()
