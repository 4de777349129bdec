"""Baseline figures of the platform on this machine (issue 2); every later change is compared with them.

    python3 benchmarks/startup_baseline.py [--runs 3] [--idle-seconds 30] [--empty-caches] [--skip-build]

Prints, as a Markdown table for docs/performance.md:
  * first build: `./platform up`'s build step on a clean tree (no target/, no .venv). With --empty-caches
    the Maven and uv caches are temporary and empty too, as on a brand-new machine (downloads included);
  * start: `./platform up --detach` with everything built, from invocation to "all healthy" (median of runs);
  * RSS of each process once idle (after --idle-seconds), from /proc (Linux).

It runs its own instance on free ports in a temporary data folder: a platform you have running is not touched.
Timings on a shared 2-core machine are noisy: read the spread, not only the median.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from launcher.config import PARTS, PLATFORM_VARIABLES, free_port  # noqa: E402


def clean_tree() -> None:
    for target in ROOT.glob("*/target"):
        shutil.rmtree(target)
    shutil.rmtree(ROOT / ".venv", ignore_errors=True)


def instance_env(data_dir: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PLATFORM_VARIABLES}
    env.update({part.port_var: str(free_port()) for part in PARTS})
    env["PLATFORM_DATA_DIR"] = str(data_dir)
    env.update(extra)
    return env


def platform(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Runs ./platform; returns (wall seconds, its output)."""
    started = time.monotonic()
    result = subprocess.run([str(ROOT / "platform"), *args], cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        sys.exit(f"./platform {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed, result.stdout


def start_seconds(output: str) -> float:
    """The launcher's own "all parts healthy N s after start", i.e. the start without the build."""
    match = re.search(r"all parts healthy ([0-9.]+)s after start", output)
    if not match:
        sys.exit("could not find the start time in ./platform up's output")
    return float(match.group(1))


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--idle-seconds", type=int, default=30)
    parser.add_argument("--empty-caches", action="store_true", help="measure the first build with empty Maven/uv caches")
    parser.add_argument("--skip-build", action="store_true", help="do not measure the first build")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="platform-baseline-"))
    extra: dict[str, str] = {}
    rows: list[tuple[str, str]] = []
    try:
        if not args.skip_build:
            clean_tree()
            if args.empty_caches:
                extra = {"MAVEN_USER_HOME": str(work / "m2"), "MAVEN_OPTS": f"-Dmaven.repo.local={work / 'm2' / 'repository'}",
                         "UV_CACHE_DIR": str(work / "uv-cache")}
            env = instance_env(work / "build", extra)
            total, output = platform(["up", "--detach"], env)
            platform(["down"], env)
            caches = "empty Maven/uv caches, downloads included" if args.empty_caches else "warm Maven/uv caches"
            rows.append((f"first build by `./platform up` on a clean tree ({caches})",
                         f"{total - start_seconds(output):.0f} s"))

        starts, rss = [], {}
        for run in range(args.runs):
            env = instance_env(work / f"run-{run}", {})
            starts.append(platform(["up", "--detach"], env)[0])
            if run == args.runs - 1:
                time.sleep(args.idle_seconds)
                state = json.loads((work / f"run-{run}" / "run" / "platform.json").read_text())
                rss = {name: rss_mib(entry["pid"]) for name, entry in state["parts"].items()}
            platform(["down"], env)
        rows.append((f"`./platform up --detach`, already built, to all healthy (median of {args.runs})",
                     f"{statistics.median(starts):.1f} s (runs: {', '.join(f'{s:.1f}' for s in starts)})"))
        for name, mib in rss.items():
            rows.append((f"RSS of {name}, idle {args.idle_seconds} s after start", f"{mib:.0f} MiB"))
        rows.append(("RSS of all parts together", f"{sum(rss.values()):.0f} MiB"))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nMeasured on {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}:\n")
    print("| what | figure |\n|---|---|")
    for what, figure in rows:
        print(f"| {what} | {figure} |")


if __name__ == "__main__":
    main()
