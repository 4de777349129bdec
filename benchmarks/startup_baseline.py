"""Start-up and memory of the platform on this machine, against issue 21's targets.

    flock /tmp/polyglot-bench.lock python3 benchmarks/startup_baseline.py [--runs 2] [--idle-seconds 30] [--no-demo]
        [--java-opts "-Xms32m -Xmx256m -XX:TieredStopAtLevel=1" ...] [--first-build [--empty-caches]]

Each run starts `./platform up --detach` (everything built; the ETA model is trained once, before any run, into a
folder every run's MODEL_DIR points at, so no timing includes training) and prints, per run and as medians:

  * seconds from invoking `./platform up --detach` to the platform's own parts healthy (Redis, the services and
    workers) and to all parts healthy (Zipkin and Prometheus too), each beside issue 21's target of 15 s;
  * CPU seconds each part spent until the launcher saw it healthy (/proc/<pid>/stat, user + system);
  * the RSS of each part --idle-seconds after all were healthy, and again after `./platform demo` (skipped with
    --no-demo); the platform's parts and Redis summed beside the target of 1.0 GB (1,000,000,000 bytes, 954 MiB),
    Zipkin and Prometheus reported apart.

--java-opts (repeatable) measures each JAVA_OPTS given (the services' JVMs; Zipkin keeps its own options) beside the
platform's default; runs of the configurations alternate. --first-build also measures `./platform up`'s build on a
clean tree (it deletes every target/ and .venv of this tree), --empty-caches with empty Maven and uv caches.

It runs its own instance on free ports in a temporary data folder: a platform you have running is not touched.
Timings on a shared 2-core machine are noisy: run it holding the benchmark lock, read the spread, note `uptime`.
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
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from launcher.config import DEFAULT_JAVA_OPTS, OBSERVABILITY_PARTS, PARTS, PLATFORM_VARIABLES, free_port  # noqa: E402

START_TARGET_SECONDS = 15.0
MEMORY_TARGET_MIB = 1e9 / 2**20  # issue 21's 1.0 GB
OBSERVABILITY = {part.name for part in OBSERVABILITY_PARTS}
HEALTHY_LINE = re.compile(r"==> (\S+) is healthy \(")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    java_opts: str
    wall: float = 0.0
    healthy_at: dict[str, float] = field(default_factory=dict)  # seconds after invoking ./platform up
    cpu_to_healthy: dict[str, float] = field(default_factory=dict)
    rss_idle: dict[str, float] = field(default_factory=dict)
    rss_after_demo: dict[str, float] = field(default_factory=dict)
    demo_seconds: float | None = None

    def own_parts_healthy(self) -> float:
        return max(at for name, at in self.healthy_at.items() if name not in OBSERVABILITY)

    def all_parts_healthy(self) -> float:
        return max(self.healthy_at.values())


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
    match = re.search(r"all parts healthy ([0-9.]+)s after start", ANSI.sub("", output))
    if not match:
        sys.exit("could not find the start time in ./platform up's output")
    return float(match.group(1))


def proc_status(pid: int, key: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the process and its waited-for children."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return sum(int(value) for value in fields[11:15]) / CLOCK_TICKS


def part_pids(state_file: Path) -> dict[str, int]:
    try:
        return {name: entry["pid"] for name, entry in json.loads(state_file.read_text())["parts"].items()}
    except (OSError, ValueError, KeyError):
        return {}


def start_and_watch(env: dict[str, str], state_file: Path, run: Run) -> None:
    """`./platform up --detach`, noting when each part is said healthy and the CPU it had spent by then."""
    started = time.monotonic()
    process = subprocess.Popen([str(ROOT / "platform"), "up", "--detach"], cwd=ROOT, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output: list[str] = []

    def follow() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            match = HEALTHY_LINE.search(ANSI.sub("", line))
            if match:
                name = match.group(1)
                run.healthy_at[name] = time.monotonic() - started
                pid = part_pids(state_file).get(name)
                run.cpu_to_healthy[name] = cpu_seconds(pid) if pid else float("nan")

    follower = threading.Thread(target=follow, daemon=True)
    follower.start()
    returncode = process.wait()
    follower.join()
    run.wall = time.monotonic() - started
    if returncode != 0:
        sys.exit(f"./platform up --detach failed:\n{''.join(output)[-4000:]}")


def rss_of(state_file: Path) -> dict[str, float]:
    return {name: proc_status(pid, "VmRSS") for name, pid in part_pids(state_file).items()}


def measure(work: Path, label: int, java_opts: str, models: Path, idle_seconds: int, demo: bool) -> Run:
    run = Run(java_opts)
    extra = {"MODEL_DIR": str(models)}
    if java_opts:
        extra["JAVA_OPTS"] = java_opts
    data = work / f"run-{label}"
    env = instance_env(data, extra)
    state_file = data / "run" / "platform.json"
    try:
        start_and_watch(env, state_file, run)
        time.sleep(idle_seconds)
        run.rss_idle = rss_of(state_file)
        if demo:
            run.demo_seconds = platform(["demo"], env)[0]
            run.rss_after_demo = rss_of(state_file)
    finally:
        subprocess.run([str(ROOT / "platform"), "down"], cwd=ROOT, env=env, capture_output=True)
    return run


def cell(runs: list[Run], name: str, attribute: str) -> str:
    """One part's figure in each run, "a / b"; seconds with a decimal, MiB without."""
    values = [getattr(run, attribute).get(name) for run in runs]
    decimals = 1 if attribute in ("healthy_at", "cpu_to_healthy") else 0
    return " / ".join(f"{value:.{decimals}f}" for value in values if value is not None)


def ratio(figure: float, target: float) -> str:
    return f"{figure / target:.2f}"


def print_report(runs: list[Run], idle_seconds: int) -> None:
    for java_opts in dict.fromkeys(run.java_opts for run in runs):
        mine = [run for run in runs if run.java_opts == java_opts]
        print(f"\n### JAVA_OPTS {java_opts or DEFAULT_JAVA_OPTS + ' (the default)'}: {len(mine)} run(s)\n")
        print("| figure | runs | median | target | median / target |\n|---|---|---:|---:|---:|")

        def row(what: str, values: list[float], unit: str, target: float | None) -> None:
            median = statistics.median(values)
            shown = ", ".join(f"{value:.1f}" for value in values)
            target_cell = f"{target:.0f} {unit}" if target else ""
            print(f"| {what} | {shown} | {median:.1f} {unit} | {target_cell} | {ratio(median, target) if target else ''} |")

        row("`./platform up --detach` to the platform's own parts healthy", [r.own_parts_healthy() for r in mine], "s",
            START_TARGET_SECONDS)
        row("... to all parts healthy (Zipkin and Prometheus too)", [r.all_parts_healthy() for r in mine], "s",
            START_TARGET_SECONDS)
        row("CPU of all parts until each was healthy", [sum(r.cpu_to_healthy.values()) for r in mine], "CPU-s", None)
        for phase, attribute in ((f"{idle_seconds} s after start", "rss_idle"), ("after `./platform demo`", "rss_after_demo")):
            if not all(getattr(r, attribute) for r in mine):
                continue
            row(f"RSS of the platform's parts and Redis, {phase}",
                [sum(v for n, v in getattr(r, attribute).items() if n not in OBSERVABILITY) for r in mine], "MiB",
                MEMORY_TARGET_MIB)
            for name in sorted(OBSERVABILITY & set(getattr(mine[0], attribute))):
                row(f"RSS of {name} (apart), {phase}", [getattr(r, attribute)[name] for r in mine], "MiB", None)
        if all(r.demo_seconds for r in mine):
            row("`./platform demo`", [r.demo_seconds for r in mine], "s", None)

        print("\n| part | healthy after, s | CPU-s until healthy | RSS idle, MiB | RSS after the demo, MiB |\n|---|---:|---:|---:|---:|")
        for name in mine[0].healthy_at:
            cells = [cell(mine, name, attribute) for attribute in ("healthy_at", "cpu_to_healthy", "rss_idle", "rss_after_demo")]
            print(f"| {name} | {' | '.join(cells)} |")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=2, help="runs per configuration (2)")
    parser.add_argument("--idle-seconds", type=int, default=30, help="from all healthy to the idle RSS (30)")
    parser.add_argument("--no-demo", action="store_true", help="skip `./platform demo` and the RSS after it")
    parser.add_argument("--java-opts", action="append", default=[],
                        help="JAVA_OPTS to measure beside the default (repeatable)")
    parser.add_argument("--first-build", action="store_true",
                        help="also measure the build on a clean tree (deletes target/ and .venv here)")
    parser.add_argument("--empty-caches", action="store_true", help="the first build with empty Maven/uv caches")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="platform-baseline-"))
    print(f"load average before: {load_average()}", flush=True)
    try:
        if args.first_build or args.empty_caches:
            clean_tree()
            extra: dict[str, str] = {}
            if args.empty_caches:
                extra = {"MAVEN_USER_HOME": str(work / "m2"), "MAVEN_OPTS": f"-Dmaven.repo.local={work / 'm2' / 'repository'}",
                         "UV_CACHE_DIR": str(work / "uv-cache")}
            env = instance_env(work / "build", {**extra, "MODEL_DIR": str(work / "models")})
            total, output = platform(["up", "--detach"], env)
            platform(["down"], env)
            caches = "empty Maven/uv caches, downloads included" if args.empty_caches else "warm Maven/uv caches"
            print(f"first build by `./platform up` on a clean tree ({caches}): {total - start_seconds(output):.0f} s")

        models = work / "models"
        if not (models / "CURRENT").is_file():
            python = ROOT / ".venv" / "bin" / "python"
            subprocess.run([str(python), "-m", "inference_bridge.domain.model.train", "--output", str(models)],
                           cwd=ROOT, check=True, capture_output=True)

        runs = []
        for number in range(args.runs):
            for java_opts in ("", *args.java_opts):
                run = measure(work, len(runs), java_opts, models, args.idle_seconds, not args.no_demo)
                runs.append(run)
                print(f"run {len(runs)} (JAVA_OPTS {java_opts or 'default'}): own parts healthy after "
                      f"{run.own_parts_healthy():.1f} s, all after {run.all_parts_healthy():.1f} s; "
                      f"load average {load_average()}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nMeasured on {os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M')}; load average after: {load_average()}")
    print_report(runs, args.idle_seconds)


if __name__ == "__main__":
    main()
