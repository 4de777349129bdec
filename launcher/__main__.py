"""./platform: run the whole platform on this machine, without Docker.

  ./platform up [--detach] [--rebuild] [--no-observability] [--faults] [--scale part=N,...]
                                         build what is missing or stale, start everything (Zipkin and Prometheus
                                         too, unless --no-observability; the fault proxy with --faults; N instances
                                         of a service or worker with --scale or PLATFORM_SCALE), wait until healthy
  ./platform down                        stop the platform (its supervisor first, then every part)
  ./platform status                      one line per part with its restarts, and the supervisor; exit 0 only when
                                         every part is healthy
  ./platform logs [part] [-f] [-n N]      the parts' logs, prefixed with their names (a scaled part's: every
                                         instance's, or one with part-N)
  ./platform test [suite ...]            every test suite (java, python, interop, contracts, console, checks, e2e, chaos, fuzz, examples) with its own Redis/PostgreSQL
  ./platform generate                    regenerate the types in contracts/types and the Python client in contracts/clients
  ./platform demo [--only steps]         a narrated walkthrough of the running platform, through its gateway
  ./platform seed [--seed N] [--users N] [--active N] [--gateway URL --redis-url URL]
                                         load a realistic data set (accounts of each role, a month of model use,
                                         jobs and reports) into the running platform
  ./platform fault list|latency|errors|cut|restore|clear|stop|kill ...
                                         inject faults into a platform started with --faults (./platform fault -h)
  ./platform sandbox start [--data-dir DIR] [--faults] [--observability]
                                         a platform for a test session on free ports, detached; prints its JSON
  ./platform sandbox stop DATA_DIR       stop that sandbox, leaving no process and no port
  ./platform new service NAME --lang python|java
                                         a new service on its language's kit, with a contract stub, its route at
                                         the gateway, its place in the topology and a passing test
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from datetime import datetime, timezone

from . import build
from .build import build_all, resolve_observability
from .config import FAULT_PROXY, GATEWAY, PROMETHEUS, ZIPKIN, ScaleError, Settings, load_settings, parse_scale
from .console import LauncherError, error, paint, step
from .health import probe
from .new_service import add_new_commands
from .sandbox import add_sandbox_commands
from .supervisor import LogFollower, Supervisor, SupervisorProcess, stop_instance, stop_on_signals


def print_urls(settings: Settings) -> None:
    gateway = settings.url(GATEWAY)
    rows = [(GATEWAY.name, gateway, "the public entry: use this one")]
    rows += [(p.name, settings.url(p), f"internal; routed as {gateway}{p.public_prefix}/**" if p.public_prefix
              else "internal; a worker (health and metrics only)")
             for p in settings.services() if p is not GATEWAY]
    rows.append(("redis", settings.redis_url, "external" if settings.external_redis_url else f"data in {settings.data_dir / 'redis'}"))
    rows += observability_rows(settings)
    if settings.faults:
        rows.append((FAULT_PROXY.name, f"http://127.0.0.1:{settings.ports[FAULT_PROXY.name]}",
                     "toxiproxy's API; faults on every link: ./platform fault list"))
    width = max(len(r[0]) for r in rows)
    url_width = max(28, *(len(r[1]) for r in rows))
    print()
    print(paint("The platform is up.", "1;32"))
    for name, url, note in rows:
        print(f"  {name:<{width}}  {url:<{url_width}}  {note}")
    print(f"""
  Try it:
    {gateway}/            the web console (sign up, predict, jobs, reports, live notifications)
    {gateway}/docs        every service's API, "Try it out" through the gateway
    ./platform demo       a narrated walkthrough of every flow, in the terminal
    curl {gateway}/api/inference/service-info
  Health: {gateway}/actuator/health   Metrics: {gateway}/actuator/prometheus
  Logs: ./platform logs [part]   Status: ./platform status   Data: {settings.data_dir}
""", flush=True)


def observability_rows(settings: Settings) -> list[tuple[str, str, str]]:
    """The trace UI and Prometheus, or why they are not there."""
    if not settings.observability:
        return [("observability", "off", "no trace UI, no Prometheus (--no-observability or PLATFORM_OBSERVABILITY=off)")]
    rows = []
    if settings.runs(ZIPKIN):
        rows.append(("zipkin", f"{settings.url(ZIPKIN)}/zipkin/", "the trace UI; every service exports its spans here"))
    else:
        rows.append(("traces", settings.zipkin_endpoint, "exported there (TRACING_ZIPKIN_ENDPOINT): no Zipkin started"))
    if settings.runs(PROMETHEUS):
        rows.append(("prometheus", settings.url(PROMETHEUS), "scrapes every part; rules in observability/prometheus/rules"))
    else:
        rows.append(("prometheus", "not started", f"no `prometheus` on PATH: {build.PROMETHEUS_HINT}"))
    return rows


def cmd_up(args) -> int:
    leftover = Supervisor(load_settings())
    if leftover.load_state():
        if leftover.any_alive():
            error("the platform is already running: see ./platform status, stop it with ./platform down")
            return 1
        leftover.stop_all()  # leftovers of an instance that died: forget them
    settings = load_settings()
    settings.faults = settings.faults or args.faults
    # --scale replaces PLATFORM_SCALE; checked again now that --faults is known.
    settings.set_scale(parse_scale(args.scale, settings.env) if args.scale is not None else settings.scale)
    supervisor = Supervisor(settings)
    stop_on_signals()
    follower = None
    leave_running = False  # only a detached start that became healthy leaves processes behind
    try:
        resolve_observability(settings, enabled=not args.no_observability)
        build_all(settings, rebuild=args.rebuild)
        if not args.detach:
            follower = LogFollower({p.name: settings.logs_dir / f"{p.name}.log" for p in settings.parts()})
            # This process supervises: `./platform down` in another terminal asks it to stop everything.
            supervisor.supervisor_process = SupervisorProcess(os.getpid(), "foreground")
        started = time.monotonic()
        supervisor.start_platform(on_tick=follower.pump if follower else None)
        step(f"all parts healthy {time.monotonic() - started:.1f}s after start")
        if args.detach:
            process = supervisor.start_detached_supervisor()
            step(f"supervised by pid {process.pid}: a part that exits or hangs is restarted (log: {process.log})")
            print_urls(settings)
            leave_running = True
            return 0
        print_urls(settings)
        print(paint("Ctrl-C stops everything. A part that exits or hangs is restarted.", "1"), flush=True)
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # from here on, stop between two ticks
            signal.signal(signum, lambda signum, frame: supervisor.request_stop())
        supervisor.supervise(on_tick=follower.pump)
        print(flush=True)
        step("stopping")
        return 0
    except KeyboardInterrupt:
        print(flush=True)
        step("stopping")
        return 0
    except LauncherError as e:
        error(str(e))
        return 1
    finally:
        if not leave_running:
            for signum in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C must not leave orphans behind
                signal.signal(signum, signal.SIG_IGN)
            supervisor.stop_all()
        if follower:
            follower.pump()  # the parts' last words (shutdown logs)
            follower.close()


def cmd_supervise(args) -> int:
    """The detached supervisor `./platform up --detach` leaves behind: adopts the instance from its state file and
    supervises it until `./platform down` (SIGTERM). Its environment is the one `up` ran with (no .env read again)."""
    settings = load_settings(environ=dict(os.environ))
    supervisor = Supervisor(settings, announce=_stamped_step)
    if not supervisor.load_state():
        error(f"no platform to supervise (no {settings.state_file})")
        return 1
    if supervisor.supervisor_alive():
        error(f"already supervised by pid {supervisor.supervisor_process.pid}")
        return 1
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda signum, frame: supervisor.request_stop())
    supervisor.supervisor_process = SupervisorProcess(os.getpid(), "detached", str(settings.logs_dir / "supervisor.log"))
    supervisor.save_state()
    supervisor.announce(f"supervising {', '.join(supervisor.running)} (pid {os.getpid()})")
    try:
        supervisor.supervise()
    finally:
        if settings.state_file.exists():  # stopped alone: the state says nobody supervises any more
            supervisor.supervisor_process = None
            supervisor.save_state()
        supervisor.announce("supervision stopped")
    return 0


def _stamped_step(message: str) -> None:
    step(f"{datetime.now(timezone.utc).isoformat(timespec='seconds')} {message}")


def cmd_down(args) -> int:
    settings = load_settings()
    if not stop_instance(settings):
        print("the platform is not running (no state in", settings.run_dir, ")")
    return 0


def cmd_status(args) -> int:
    settings = load_settings()
    supervisor = Supervisor(settings)
    known = supervisor.load_state()
    parts = [r.part for r in supervisor.running.values()] if known else list(settings.parts())
    width = max(len(p.name) for p in parts)
    all_ok = known
    for part in parts:
        port = settings.ports[part.name]
        running = supervisor.running.get(part.name)
        if not supervisor.alive(part.name):
            state, ok = "not running", False
            if running and running.next_restart_at:
                state += f", restart due at {running.next_restart_at}"
        else:
            ok, detail = probe(settings, part)
            state = f"{'healthy' if ok else 'UNHEALTHY'} ({detail}), pid {running.pid}"
        all_ok = all_ok and ok
        colour = "32" if ok else "31"
        line = f"{part.name:<{width}}  :{port:<5}  " + paint(state, colour)
        if running and running.restarts:
            line += (f"  restarts {running.restarts}, last at {running.last_restart_at}: "
                     f"{running.last_restart_reason}")
        print(line)
    if known:
        print(supervisor_line(supervisor))
    return 0 if all_ok else 1


def supervisor_line(supervisor: Supervisor) -> str:
    process = supervisor.supervisor_process
    if supervisor.supervisor_alive():
        where = f", log {process.log}" if process.log else ""
        return paint(f"supervisor: running (pid {process.pid}, {process.mode}{where}): parts that exit or hang are "
                     "restarted", "32")
    return paint("supervisor: not running: a part that exits stays down (./platform down, then ./platform up)", "31")


def cmd_logs(args) -> int:
    settings = load_settings()
    Supervisor(settings).load_state()  # the instances of a scaled part, when one runs
    names = logged_names(settings, args.part)
    logs = {}
    for name in names:
        path = settings.logs_dir / f"{name}.log"
        if args.part and not path.exists():
            error(f"no log for '{args.part}' in {settings.logs_dir} (parts: "
                  f"{', '.join(p.name for p in settings.parts())})")
            return 1
        logs[name] = path
    follower = LogFollower(logs, from_start=True)
    for name, handle in follower.files.items():  # keep only the last N lines of each
        lines = handle.read().splitlines()[-args.lines:]
        for line in lines:
            print(follower.prefixer.line(name, line))
    try:
        while args.follow:
            follower.pump()
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        follower.close()
    return 0


def logged_names(settings: Settings, asked: str | None) -> list[str]:
    """Whose logs `./platform logs [part]` shows: every process; a part's every instance; one instance, by its
    process name (`inference-worker-2`) or its instance id (`inference-worker-1`, the part's first)."""
    processes = settings.parts()
    if not asked:
        return [p.name for p in processes]
    instances = [p.name for p in processes if asked in (p.part_name, p.name, p.instance_id)]
    return instances or [asked]


def cmd_test(args) -> int:
    from .testing import run_test_suites

    # A stopped test run (Ctrl-C, a CI timeout's SIGTERM) still stops the Redis, PostgreSQL and platform it started.
    stop_on_signals()
    return run_test_suites(args.suites)


def cmd_generate(args) -> int:
    from .generate import main as generate_types

    settings = load_settings()
    build.sync_python(settings.logs_dir)
    return generate_types(settings.logs_dir)


def cmd_demo(args) -> int:
    import subprocess

    settings = load_settings()
    build.sync_python(settings.logs_dir)  # the demo speaks HTTP and WebSocket with the venv's httpx and websockets
    command = [build.venv_python(), "-m", "launcher.demo", "--gateway", settings.url(GATEWAY),
               "--download-dir", str(settings.data_dir / "demo")]
    if args.only:
        command += ["--only", args.only]
    return subprocess.run(command, cwd=build.ROOT).returncode


def cmd_seed(args) -> int:
    import subprocess

    settings = load_settings()
    build.sync_python(settings.logs_dir)  # the seed speaks through the generated client and the kit's publisher
    # Another platform (--gateway) has its own Redis: only REDIS_URL or --redis-url can name it.
    redis_url = args.redis_url or (settings.external_redis_url if args.gateway else settings.redis_url)
    command = [build.venv_python(), "-m", "launcher.seed", "--gateway", args.gateway or settings.url(GATEWAY),
               "--seed", str(args.seed), "--users", str(args.users), "--active", str(args.active)]
    if redis_url:
        command += ["--redis-url", redis_url]
    # The bootstrap admin's credentials (from .env too) go through the environment, never the command line.
    admin = {name: settings.env[name] for name in ("ADMIN_EMAIL", "ADMIN_PASSWORD") if settings.env.get(name)}
    return subprocess.run(command, cwd=build.ROOT, env={**os.environ, **admin}).returncode


def cmd_fault(args) -> int:
    from .faults import FaultProxy, FaultProxyError, kill_part, stop_part

    settings = load_settings()
    if args.action in ("stop", "kill"):
        pid = (stop_part if args.action == "stop" else kill_part)(settings, args.part)
        step(f"{'SIGTERM' if args.action == 'stop' else 'SIGKILL'} sent to {args.part} (pid {pid})")
        return 0
    proxy = FaultProxy.of(settings)
    try:
        if args.action == "list":
            print_links(proxy)
        elif args.action == "latency":
            proxy.add_latency(args.link, args.ms, args.jitter)
            step(f"{args.link}: answers delayed by {args.ms} ms" + (f" ± {args.jitter} ms" if args.jitter else ""))
        elif args.action == "errors":
            proxy.add_errors(args.link, args.fraction)
            step(f"{args.link}: {args.fraction:g} of connections reset (drawn per connection, not per request: "
                 "docs/operations.md#fault-injection)")
        elif args.action == "cut":
            cut_link(proxy, args.link, args.seconds)
        elif args.action == "restore":
            proxy.restore(args.link)
            step(f"{args.link}: restored")
        elif args.action == "clear":
            proxy.clear()
            step("every fault cleared, every link restored")
    except FaultProxyError as e:
        error(str(e))
        return 1
    return 0


def cut_link(proxy, link: str, seconds: float | None) -> None:
    proxy.cut(link)
    if seconds is None:
        step(f"{link}: cut (./platform fault restore {link} brings it back)")
        return
    step(f"{link}: cut for {seconds:g}s")
    stop_on_signals()
    try:
        time.sleep(seconds)  # the duration asked for, not a wait on a condition
    except KeyboardInterrupt:
        pass
    finally:  # Ctrl-C too: never leave the link cut behind
        proxy.restore(link)
        step(f"{link}: restored")


def print_links(proxy) -> None:
    links = proxy.links()
    width = max(len(link.name) for link in links)
    for link in links:
        state = paint("up", "32") if link.enabled else paint("CUT", "31")
        faults = "; ".join(t.describe() for t in link.toxics) or "no fault"
        print(f"{link.name:<{width}}  {link.listen} -> {link.upstream:<21}  {state}  {faults}")


def add_fault_commands(commands) -> None:
    fault = commands.add_parser(
        "fault", help="inject faults into a running platform (links need ./platform up --faults)",
        description="Latency, errors and cuts on a link (the gateway to auth-service, notification-service, "
                    "inference-bridge, reporting-bridge; the services to redis and postgres), through the fault "
                    "proxy of a platform started with ./platform up --faults; and stopping or killing a part.")
    actions = fault.add_subparsers(dest="action", required=True, metavar="action")
    actions.add_parser("list", help="the links: where each listens, its upstream, its faults")
    latency = actions.add_parser("latency", help="delay every answer on a link")
    latency.add_argument("link")
    latency.add_argument("ms", type=int, help="milliseconds added")
    latency.add_argument("--jitter", type=int, default=0, metavar="MS", help="± this many milliseconds at random")
    errors = actions.add_parser("errors", help="reset a share of the connections on a link")
    errors.add_argument("link")
    errors.add_argument("fraction", type=float, help="share of connections reset, above 0 and at most 1")
    cut = actions.add_parser("cut", help="cut a link: connections refused and dropped")
    cut.add_argument("link")
    cut.add_argument("--for", dest="seconds", type=float, metavar="SECONDS",
                     help="restore it after this many seconds (the command waits)")
    actions.add_parser("restore", help="restore a cut link").add_argument("link")
    actions.add_parser("clear", help="remove every fault and restore every link")
    actions.add_parser("stop", help="stop a part with SIGTERM").add_argument("part")
    actions.add_parser("kill", help="kill a part with SIGKILL, as a crash would").add_argument("part")
    fault.set_defaults(run=cmd_fault)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="./platform", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    up = commands.add_parser("up", help="build what is missing, start everything, wait until healthy")
    up.add_argument("--detach", action="store_true", help="return once all parts are healthy")
    up.add_argument("--rebuild", action="store_true", help="rebuild the Java services and the console even if up to date")
    up.add_argument("--no-observability", action="store_true",
                    help="a lean start: no Zipkin, no Prometheus (as PLATFORM_OBSERVABILITY=off); spans are not exported")
    up.add_argument("--faults", action="store_true",
                    help="put the fault proxy (toxiproxy) on every link, for ./platform fault (as PLATFORM_FAULTS=on)")
    up.add_argument("--scale", metavar="PART=N,...",
                    help="run N instances of these services or workers, e.g. inference-worker=3 (as PLATFORM_SCALE)")
    up.set_defaults(run=cmd_up)
    commands.add_parser("down", help="stop the platform").set_defaults(run=cmd_down)
    commands.add_parser("status", help="health and restarts of each part, and the supervisor (exit 0 when all parts are "
                        "healthy)").set_defaults(run=cmd_status)
    # Hidden: what ./platform up --detach starts to keep supervising the platform after it returns.
    commands.add_parser("supervise").set_defaults(run=cmd_supervise)
    logs = commands.add_parser("logs", help="show the parts' logs")
    logs.add_argument("part", nargs="?", help="one part (default: all)")
    logs.add_argument("-f", "--follow", action="store_true", help="keep printing new lines")
    logs.add_argument("-n", "--lines", type=int, default=100, help="lines per part (default 100)")
    logs.set_defaults(run=cmd_logs)
    test = commands.add_parser("test", help="run every test suite")
    test.add_argument("suites", nargs="*", help="java, python, interop, contracts, console, checks, e2e, chaos, fuzz, examples (default: all)")
    test.set_defaults(run=cmd_test)
    commands.add_parser("generate", help="regenerate the types and the Python client from the contracts"
                        ).set_defaults(run=cmd_generate)
    demo = commands.add_parser("demo", help="a narrated walkthrough of the running platform (exit 0 when every step worked)")
    demo.add_argument("--only", help="comma-separated steps, in order: register,login,predict,live,job,notification,report,download")
    demo.set_defaults(run=cmd_demo)
    seed = commands.add_parser("seed", help="load a realistic data set into the running platform (accounts, a month "
                               "of model use, jobs, reports)", description="Accounts of each role, a month of model "
                               "use on the event backbone, today's predictions, CSV jobs and reports through the API; "
                               "deterministic for a seed. What it loads and what a second run does: "
                               "docs/operations.md#seeded-data.")
    seed.add_argument("--seed", type=int, default=1, help="which data set (default 1): the same seed, the same data")
    seed.add_argument("--users", type=int, default=10, help="seeded accounts besides the bootstrap admin (default 10)")
    seed.add_argument("--active", type=int, default=3, help="accounts that sign in and use the API today (default 3)")
    seed.add_argument("--gateway", help="another platform's gateway (default: the one ./platform up started)")
    seed.add_argument("--redis-url", help="that platform's Redis, its event backbone (default: REDIS_URL, or the "
                      "Redis ./platform up started)")
    seed.set_defaults(run=cmd_seed)
    add_fault_commands(commands)
    add_sandbox_commands(commands)
    add_new_commands(commands)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ScaleError as e:  # a usage error, like argparse's
        error(str(e))
        return 2
    except LauncherError as e:
        error(str(e))
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
