"""The gateway tax: what the edge costs per request, next to nginx doing the same job.

    .venv/bin/python benchmarks/gateway_tax.py [--duration 10] [--connections 50] [--rate 1000] [--java-opts ...]
        [--only "gateway, JWT check + Redis rate limit" ...]

Build the gateway first (./mvnw -pl gateway -am package -DskipTests), and the stock gateway
(./mvnw -f benchmarks/stock-gateway/pom.xml package -DskipTests). Needs nginx and wrk (apt-get install nginx wrk;
benchmark only, not CI), a redis-server, and taskset. Everything runs on free ports in a temporary folder.

One trivial upstream for every row: nginx serving a small static JSON file. It is reached

  * directly,
  * through nginx as a reverse proxy (keep-alive upstream connections),
  * through Spring Cloud Gateway as it comes (benchmarks/stock-gateway: one route, none of the platform's edge, no
    actuator): the floor under the platform's gateway, which is built on it,
  * through the gateway on a public path (no token: the edge filters, routing, proxying),
  * through the gateway with an RS256 access token on every request (the kit's JWT check as well),
  * the same with tracing sampled at 1.0 but not exported, and sampled at 0.0: the cost of tracing, and how much of
    it is the export,

all in one run. The gateway traces as the platform runs it: every request a sampled span (TRACING_SAMPLING_PROBABILITY
1.0), exported through Brave's async reporter to a span intake that takes and drops everything (nginx answering 202,
benchmarks/span_intake.py, on the client's core), so the figure is the gateway's cost of making, encoding and sending
spans, not Zipkin's; "not exported" records every span and sends none (TRACING_ZIPKIN_ENDPOINT empty); "sampling 0.0"
records nothing (the trace context is still read and forwarded). The proxy under test (gateway or nginx proxy) is pinned to core 0 and has it to itself; wrk, the
upstream nginx and Redis are pinned to core 1. The gateway runs with the platform's JVM options (JAVA_OPTS default)
unless --java-opts says otherwise, with the access log on (to a file) and the rate limits off (one client
address would only measure 429s; a row with the limits on, i.e. one Redis round trip per request, is added).

Two measurements per row:

  * saturation: wrk, --connections connections for --duration seconds, after warm-up rounds of the same length,
    for at least 60 s and then until a round gains less than 5 % over the one before (at most
    --max-warm-up-rounds): requests per second, p50 and p99. The gateway warms up on both cores, so that the JIT
    compiler does not take its turns on the core being measured (pinned from the start, a JVM was still compiling
    after two minutes), and is pinned to its core (every thread) before the measured rounds. For a JVM, also its CPU
    time per request during that run (from /proc), which varies less between runs than req/s;
  * fixed rate: --rate requests per second for --duration seconds from a constant-rate client (wrk2 is not
    packaged; this is a small asyncio client below, over 16 keep-alive connections): p50 and p99 measured from each
    request's scheduled send time (no coordinated omission), and "added p50" = p50 minus the direct p50.

Ratios are against nginx as a reverse proxy. Two shared cores: run it twice and read the figures as such.

This is a script, not a test: where it cannot measure (a tool or the jar missing, a server that does not answer,
answers that are not 200) it stops with sys.exit and the reason, rather than print figures that would mean nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.record import add_record_option, write_record  # noqa: E402
from benchmarks.span_intake import nginx_executable, span_intake_url, start_span_intake  # noqa: E402
from launcher.build import java_executable, redis_server_executable  # noqa: E402
from launcher.config import PLATFORM_VARIABLES, free_port  # noqa: E402

JAR = ROOT / "gateway" / "target" / "gateway.jar"
STOCK_JAR = ROOT / "benchmarks" / "stock-gateway" / "target" / "stock-gateway.jar"
PROXY_CORE = "0"
CLIENT_CORE = "1"
WARM_UP_GAIN = 0.05
MIN_WARM_UP_SECONDS = 60
BODY = json.dumps({"status": "ok", "service": "upstream", "items": list(range(16))})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--max-warm-up-rounds", type=int, default=20)
    parser.add_argument("--java-opts", default="-Xms64m -Xmx384m -XX:+UseSerialGC")
    parser.add_argument("--only", nargs="+", metavar="ROW",
                        help="measure only these gateway rows (their names, quoted) beside the two nginx rows; "
                             "the stock gateway is skipped: a short run comparing JVM options")
    add_record_option(parser)
    args = parser.parse_args()
    for tool in ("nginx", "wrk", "taskset"):
        if not shutil.which(tool) and not Path("/usr/sbin", tool).exists():
            sys.exit(f"{tool} is needed (apt-get install nginx wrk)")
    if not JAR.is_file():
        sys.exit(f"{JAR} is missing: ./mvnw -B -ntp -pl gateway -am package -DskipTests")
    if not args.only and not STOCK_JAR.is_file():  # --only does not run the stock gateway
        sys.exit(f"{STOCK_JAR} is missing: ./mvnw -B -ntp -f benchmarks/stock-gateway/pom.xml package -DskipTests")

    work = Path(tempfile.mkdtemp(prefix="gateway-tax-"))
    work.chmod(0o755)  # nginx workers run as an unprivileged user
    processes: list[subprocess.Popen] = []
    try:
        key, jwks = new_signing_key()
        upstream_port, proxy_port = free_port(), free_port()
        start_nginx(work, upstream_port, proxy_port, jwks, processes)
        redis_port = free_port()
        processes.append(subprocess.Popen(
            ["taskset", "-c", CLIENT_CORE, str(redis_server_executable()), "--port", str(redis_port), "--save", "",
             "--appendonly", "no", "--dir", str(work)], stdout=subprocess.DEVNULL))
        upstream = f"http://127.0.0.1:{upstream_port}"
        intake_port = free_port()
        processes.append(start_span_intake(work, intake_port, CLIENT_CORE))
        token = sign(key)

        rows: list[tuple[str, str, dict[str, str]]] = [
            ("direct (nginx upstream)", f"{upstream}/api/auth/bench.json", {}),
            ("nginx reverse proxy", f"http://127.0.0.1:{proxy_port}/api/auth/bench.json", {}),
        ]
        results = {}
        for name, url, headers in rows:
            wait_for(url, headers)
            results[name] = measure(url, headers, args)
        if not args.only:
            measure_stock_gateway(work, upstream, args, results)
        jwt = {"Authorization": f"Bearer {token}"}
        exported = span_intake_url(intake_port)
        # (limits on, sampling probability, where spans go, the rows measured on that gateway: name, path, headers)
        gateways = [
            (False, "1.0", exported, [("gateway, public path", "/api/auth/.well-known/jwks.json", {}),
                                      ("gateway, JWT check", "/api/auth/bench.json", jwt)]),
            (True, "1.0", exported, [("gateway, JWT check + Redis rate limit", "/api/auth/bench.json", jwt)]),
            (False, "1.0", "", [("gateway, JWT check, sampling 1.0 not exported", "/api/auth/bench.json", jwt)]),
            (False, "0.0", exported, [("gateway, JWT check, sampling 0.0", "/api/auth/bench.json", jwt)]),
        ]
        if args.only:
            unknown = set(args.only) - {name for *_, variants in gateways for name, _, _ in variants}
            if unknown:  # a misspelt row would measure nothing and print an empty table: stop and name it
                sys.exit(f"no such gateway row: {', '.join(sorted(unknown))}")
            gateways = [(limits, sampling, endpoint, [v for v in variants if v[0] in args.only])
                        for limits, sampling, endpoint, variants in gateways]
            gateways = [g for g in gateways if g[3]]
        for limits, sampling, endpoint, variants in gateways:
            gateway_port = free_port()
            gateway = start_gateway(work, gateway_port, upstream, redis_port, args.java_opts, limits,
                                    {"TRACING_ZIPKIN_ENDPOINT": endpoint, "TRACING_SAMPLING_PROBABILITY": sampling})
            processes.append(gateway)
            base = f"http://127.0.0.1:{gateway_port}"
            wait_for(f"{base}/actuator/health/readiness", {})
            for name, path, headers in variants:
                wait_for(f"{base}{path}", headers)
                results[name] = measure(f"{base}{path}", headers, args, gateway)
            stop(gateway)
        report(results, args)
        record(results, args)
    finally:
        for process in reversed(processes):
            stop(process)
        if os.environ.get("KEEP_BENCHMARK_DIR"):
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def new_signing_key():
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    public.update({"kid": "benchmark", "alg": "RS256", "use": "sig"})
    return key, json.dumps({"keys": [public]})


def sign(key) -> str:
    import jwt

    now = int(time.time())
    return jwt.encode({"iss": "polyglot-auth", "aud": "polyglot-platform", "sub": str(uuid.uuid4()),
                       "roles": ["user"], "email": "bench@example.com", "iat": now, "exp": now + 3600},
                      key, algorithm="RS256", headers={"kid": "benchmark"})


def start_nginx(work: Path, upstream_port: int, proxy_port: int, jwks: str, processes: list) -> None:
    site = work / "site" / "api" / "auth"
    (site / ".well-known").mkdir(parents=True)
    (site / "bench.json").write_text(BODY)
    (site / ".well-known" / "jwks.json").write_text(jwks)
    def common(name: str) -> str:
        return f"""
daemon off; worker_processes 1; pid {work / name}.pid; error_log {work / name}-error.log warn;
events {{ worker_connections 4096; }}
http {{ access_log off; keepalive_requests 100000; default_type application/json; types {{ }}
"""
    upstream_conf = common("upstream") + f"""
  server {{ listen 127.0.0.1:{upstream_port}; root {work / 'site'}; }} }}"""
    proxy_conf = common("proxy") + f"""
  upstream service {{ server 127.0.0.1:{upstream_port}; keepalive 64; }}
  server {{ listen 127.0.0.1:{proxy_port};
    location / {{ proxy_pass http://service; proxy_http_version 1.1; proxy_set_header Connection ""; }} }} }}"""
    nginx = nginx_executable()
    for name, conf, core in (("upstream", upstream_conf, CLIENT_CORE), ("proxy", proxy_conf, PROXY_CORE)):
        path = work / f"{name}.conf"
        path.write_text(conf)
        processes.append(subprocess.Popen(["taskset", "-c", core, nginx, "-p", str(work), "-c", str(path)],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))


def start_gateway(work: Path, port: int, upstream: str, redis_port: int, java_opts: str,
                  limits: bool, tracing: dict[str, str]) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in PLATFORM_VARIABLES}
    env.update({
        "GATEWAY_PORT": str(port), "BIND_ADDRESS": "127.0.0.1", "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "AUTH_SERVICE_URL": upstream, "AUTH_JWKS_URL": f"{upstream}/api/auth/.well-known/jwks.json",
        "RATE_LIMIT_ENABLED": str(limits).lower(), "RATE_LIMIT_SIGNED_IN": "1000000000",
        "CONSOLE_DIR": str(work / "no-console"), **tracing,
    })
    log = open(work / f"gateway-{port}.log", "w")
    # Unpinned until warmed up: see measure().
    return subprocess.Popen([str(java_executable()), *java_opts.split(), "-jar", str(JAR)], env=env, stdout=log,
                            stderr=subprocess.STDOUT)


def start_stock_gateway(work: Path, port: int, upstream: str, java_opts: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in PLATFORM_VARIABLES}
    env.update({"GATEWAY_PORT": str(port), "UPSTREAM_URL": upstream})
    log = open(work / f"stock-gateway-{port}.log", "w")
    return subprocess.Popen([str(java_executable()), *java_opts.split(), "-jar", str(STOCK_JAR)], env=env, stdout=log,
                            stderr=subprocess.STDOUT)


def wait_for(url: str, headers: dict[str, str], deadline: float = 120) -> None:
    started = time.monotonic()
    while True:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() - started > deadline:
            sys.exit(f"{url} did not answer 200 within {deadline} s")
        time.sleep(0.5)


def pin(process: subprocess.Popen, cores: str) -> None:
    """Moves every thread of a running process to these cores."""
    subprocess.run(["taskset", "-a", "-p", "-c", cores, str(process.pid)], check=True, capture_output=True)


def measure(url: str, headers: dict[str, str], args, jvm: subprocess.Popen | None = None) -> dict:
    print(f"==> {url}", flush=True)
    if jvm is not None:
        pin(jvm, f"{PROXY_CORE},{CLIENT_CORE}")
    # A JVM keeps compiling its hot paths for a minute or more (on both cores here, see the module docstring), its
    # throughput climbing, sometimes by less than WARM_UP_GAIN a round. Warm up for at least MIN_WARM_UP_SECONDS, then
    # until a round gains less than WARM_UP_GAIN over the one before.
    previous = wrk(url, headers, args, warm_up=True)["rps"]
    for rounds in range(2, args.max_warm_up_rounds + 1):
        current = wrk(url, headers, args, warm_up=True)["rps"]
        print(f"    warm-up round {rounds}: {current:,.0f} req/s", flush=True)
        if current < previous * (1 + WARM_UP_GAIN) and rounds * args.duration >= MIN_WARM_UP_SECONDS:
            break
        previous = current
    if jvm is not None:
        pin(jvm, PROXY_CORE)
        print(f"    pinned to core {PROXY_CORE}: {wrk(url, headers, args, warm_up=True)['rps']:,.0f} req/s", flush=True)
    cpu_before = cpu_seconds(jvm) if jvm is not None else None
    saturated = wrk(url, headers, args)
    if jvm is not None:
        saturated["cpu_us"] = 1e6 * (cpu_seconds(jvm) - cpu_before) / (saturated["rps"] * args.duration)
    fixed = asyncio.run(constant_rate(url, headers, args.rate, args.duration))
    return {**saturated, **fixed}


def cpu_seconds(process: subprocess.Popen) -> float:
    """User + system CPU time of a process so far (/proc/PID/stat): steadier than req/s on a shared machine."""
    fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url: str, headers: dict[str, str], args, warm_up: bool = False) -> dict:
    command = ["taskset", "-c", CLIENT_CORE, "wrk", "-t1", f"-c{args.connections}", f"-d{args.duration}s",
               "--latency", url]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx and not warm_up:
        sys.exit(f"{url}: {non_2xx.group(1)} answers were not 2xx:\n{out}")
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": wrk_ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
            "p99": wrk_ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1))}


def wrk_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


async def constant_rate(url: str, headers: dict[str, str], rate: int, duration: int) -> dict:
    """Open-loop load: request i is due at start + i / rate; its latency counts from then, not from when a busy
    connection got round to sending it."""
    match = re.fullmatch(r"http://([^:/]+):(\d+)(/.*)", url)
    host, port, path = match.group(1), int(match.group(2)), match.group(3)
    request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
               + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n").encode()
    total = rate * duration
    due: asyncio.Queue[float] = asyncio.Queue()
    latencies: list[float] = []
    errors = 0

    async def connection() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, port)
        while True:
            scheduled = await due.get()
            if scheduled < 0:
                writer.close()
                return
            writer.write(request)
            status = await read_response(reader)
            if status != 200:
                errors += 1
            latencies.append(time.perf_counter() - scheduled)

    workers = [asyncio.create_task(connection()) for _ in range(16)]
    start = time.perf_counter() + 0.2
    for i in range(total):
        at = start + i / rate
        delay = at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        due.put_nowait(at)
    for _ in workers:
        due.put_nowait(-1.0)
    await asyncio.gather(*workers)
    if errors:
        sys.exit(f"{url}: {errors} answers were not 200 at the fixed rate")
    latencies.sort()
    return {"fixed_p50": 1000 * statistics.median(latencies),
            "fixed_p99": 1000 * latencies[int(0.99 * (len(latencies) - 1))]}


async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    fields = {line.split(":", 1)[0].strip().lower(): line.split(":", 1)[1].strip() for line in lines[1:] if ":" in line}
    if "content-length" in fields:
        await reader.readexactly(int(fields["content-length"]))
    elif fields.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


def measure_stock_gateway(work: Path, upstream: str, args, results: dict[str, dict]) -> None:
    stock_port = free_port()
    stock = start_stock_gateway(work, stock_port, upstream, args.java_opts)
    try:
        url = f"http://127.0.0.1:{stock_port}/api/auth/bench.json"
        wait_for(url, {})
        results["stock Spring Cloud Gateway"] = measure(url, {}, args, stock)
    finally:
        stop(stock)


def report(results: dict[str, dict], args) -> None:
    proxy = results["nginx reverse proxy"]
    direct = results["direct (nginx upstream)"]
    print(f"\nSaturation: wrk -t1 -c{args.connections} -d{args.duration}s (after an equal warm-up); "
          f"fixed rate: {args.rate} req/s for {args.duration} s")
    width = max(len(name) for name in results)
    print(f"{'path':<{width}} {'req/s':>9} {'× nginx proxy':>13} {'CPU µs/req':>10} {'p50 ms':>8} {'p99 ms':>8}"
          f" {'@rate p50':>10} {'@rate p99':>10} {'added p50':>10}")
    for name, figures in results.items():
        cpu = f"{figures['cpu_us']:>10.0f}" if "cpu_us" in figures else f"{'':>10}"
        print(f"{name:<{width}} {figures['rps']:>9,.0f} {figures['rps'] / proxy['rps']:>13.2f} {cpu} {figures['p50']:>8.2f}"
              f" {figures['p99']:>8.2f} {figures['fixed_p50']:>10.2f} {figures['fixed_p99']:>10.2f}"
              f" {figures['fixed_p50'] - direct['fixed_p50']:>+10.2f}")
    if args.only:
        return
    untraced = results["gateway, JWT check, sampling 0.0"]
    print()
    for label, name in (("Tracing at 1.0", "gateway, JWT check"),
                        ("Recording at 1.0, no export", "gateway, JWT check, sampling 1.0 not exported")):
        traced = results[name]
        print(f"{label} against 0.0 (JWT check): req/s × {traced['rps'] / untraced['rps']:.2f}, "
              f"CPU µs/req {traced['cpu_us'] - untraced['cpu_us']:+.0f} ({traced['cpu_us'] / untraced['cpu_us']:.2f}×), "
              f"@rate p50 {traced['fixed_p50'] - untraced['fixed_p50']:+.2f} ms, "
              f"@rate p99 {traced['fixed_p99'] - untraced['fixed_p99']:+.2f} ms")


def record(results: dict[str, dict], args) -> None:
    """The edge as the platform runs it (token check, Redis rate limit, traced), pinned to one core: req/s per core."""
    if "gateway, JWT check + Redis rate limit" not in results:
        return
    edge = results["gateway, JWT check + Redis rate limit"]
    write_record(args.record, "gateway_tax.py",
                 {"requests_per_second_per_core": round(edge["rps"]), "cpu_us_per_request": round(edge["cpu_us"])},
                 {"name": "nginx reverse proxy", "ratio": round(edge["rps"] / results["nginx reverse proxy"]["rps"], 3)})


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


if __name__ == "__main__":
    main()
