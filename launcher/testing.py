"""./platform test: every suite, against a real Redis and a real PostgreSQL that it starts itself.

Nothing here touches the developer's running instance: the servers and the end-to-end platform get free
ports and a temporary data folder, and the developer's platform variables are stripped from the
environment the suites see. The suites, in order:

  java       ./mvnw verify                  (unit and integration tests of the Java modules)
  python     pytest                         (the service kit and both bridges)
  interop    pytest interop/                (Java publishes, Python consumes, and the reverse: on Redis 7, on 6.2 and on
                                            a three-master Redis Cluster)
  cluster    the kits' and services' Redis tests again, on the Redis Cluster (REDIS_CLUSTER_NODES): consumers
                                            killed and restarted, dedupe and dead letters, the gateway's limiter,
                                            notification history, inference jobs
  contracts  spectral lint, @asyncapi/parser, pytest contracts/tests
                                            (OpenAPI/AsyncAPI/event schemas and vectors, generated types not stale)
  console    tsc --noEmit, vitest, chromium (the web console: its logic, its production build checked for the CSP,
                                            its job and report pages in a browser against a scripted platform)
  checks     pytest checks/                 (compose, Dockerfiles: static)
  e2e        pytest e2e/, then the Java e2e tests (e2e/java, ./mvnw -Pe2e) on the same platform
                                            (a whole platform started on free ports, called through its gateway)
  chaos      pytest chaos/                  (another such platform, with fault injection: a steady load while parts are
                                            killed and links cut, slowed or failing; the history checked afterwards;
                                            then a third, two instances of every service and worker, one of each
                                            killed under the same load and checks)
  fuzz       schemathesis                   (another such platform: every operation of the four OpenAPI documents,
                                            generated requests for each role, every check; e2e/contract_fuzz)
  examples   each example project's tests   (examples/: a user's projects outside the platform's build, each testing
                                            itself against a sandbox it starts with the platform's test plugin), and
                                            ./platform new service made, started and called in a clone
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from . import build, faults
from .config import (PLATFORM_VARIABLES, PROMETHEUS, REDIS, ROOT, SCALABLE_PARTS, SERVICES, ZIPKIN, Part,
                     clean_environment, free_port, free_ports, load_settings, port_in_use)
from .console import LauncherError, error, fail, paint, step
from .credential_scan import CREDENTIALS_FILE_VARIABLE, read_credentials, scan
from .redis_cluster import RedisCluster
from .supervisor import Supervisor

SUITES = ("java", "python", "interop", "cluster", "contracts", "console", "checks", "e2e", "chaos", "fuzz", "examples")
# What `./platform test` runs without names: every suite.
DEFAULT_SUITES = SUITES
# Suites that use neither the run's Redis nor its PostgreSQL (the examples start their own sandboxes).
SUITES_WITHOUT_SERVERS = ("console", "examples")
POSTGRES_HINT = ("PostgreSQL server binaries (initdb, postgres) not found: install PostgreSQL 14+ "
                 "(Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql) "
                 "or put its bin folder on PATH")
POSTGRES_DATABASES = ("java_tests", "python_tests", "e2e_auth", "e2e_reporting", "chaos_auth", "chaos_reporting",
                      "chaos_replicas_auth", "chaos_replicas_reporting", "fuzz_auth", "fuzz_reporting")


@dataclass
class SuiteResult:
    name: str
    passed: bool
    seconds: float
    note: str = ""


def postgres_bin_dir() -> Path:
    candidates = []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    candidates += [Path(p) for p in sorted(glob.glob("/opt/homebrew/opt/postgresql*/bin"), reverse=True)]
    for directory in candidates:
        if (directory / "initdb").exists() and (directory / "postgres").exists():
            return directory
    fail(POSTGRES_HINT)


class TestServers:
    """A throwaway Redis and PostgreSQL on free ports, in a temporary folder, stopped on exit; a three-master Redis
    Cluster too, started when a suite first asks for it (`cluster_nodes`)."""

    def __init__(self, work_dir: Path):
        self.work_dir = work_dir
        self.redis_port = free_port()
        self.postgres_port = free_port()
        settings = load_settings(data_dir=work_dir / "servers", ports={"redis": self.redis_port},
                                 environ=clean_environment())
        self.supervisor = Supervisor(settings)
        self._redis_cluster: RedisCluster | None = None

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def postgres_url(self, database: str) -> str:
        return f"postgresql://platform@127.0.0.1:{self.postgres_port}/{database}"

    def cluster_nodes(self) -> str:
        """REDIS_CLUSTER_NODES of the run's Redis Cluster, started on the first call."""
        if self._redis_cluster is None:
            cluster = RedisCluster(self.supervisor, self.work_dir, build.redis_server_executable())
            cluster.start()
            self._redis_cluster = cluster
        return self._redis_cluster.nodes

    def __enter__(self) -> "TestServers":
        try:
            step(f"starting a test Redis on port {self.redis_port}")
            self.supervisor.start(REDIS)
            self.supervisor.wait_healthy((REDIS,), timeout=30)
            self._start_postgres()
        except BaseException:
            self.supervisor.stop_all()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.supervisor.stop_all()

    def _start_postgres(self) -> None:
        bin_dir = postgres_bin_dir()
        step(f"starting a test PostgreSQL ({bin_dir}) on port {self.postgres_port}")
        data = self.work_dir / "postgres"
        data.mkdir(parents=True)
        # initdb refuses to run as root: when we are root, the server runs as the `postgres` user.
        user = None
        if os.geteuid() == 0:
            user = "postgres" if _user_exists("postgres") else "nobody"
            shutil.chown(data, user=user)
        initdb = subprocess.run([str(bin_dir / "initdb"), "-D", str(data), "-U", "platform", "--auth=trust",
                                 "-E", "UTF8", "--no-sync"], capture_output=True, text=True, user=user)
        if initdb.returncode != 0:
            fail(f"initdb failed: {initdb.stdout}{initdb.stderr}")
        # Durability settings off: a test database is thrown away, speed matters more.
        server = Part("postgres", "server", "", self.postgres_port, "")
        self.supervisor.spawn(server, [str(bin_dir / "postgres"), "-D", str(data), "-p", str(self.postgres_port),
                                       "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={data}",
                                       "-c", "fsync=off", "-c", "synchronous_commit=off",
                                       "-c", "full_page_writes=off"],
                              env=clean_environment(), marker=str(data), user=user)
        deadline = time.monotonic() + 30
        while subprocess.run([str(bin_dir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.postgres_port)]
                             ).returncode != 0:
            if not self.supervisor.alive("postgres") or time.monotonic() > deadline:
                fail("the test PostgreSQL did not start:\n" + self.supervisor.tail("postgres", 20))
            time.sleep(0.2)
        for database in POSTGRES_DATABASES:
            subprocess.run([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(self.postgres_port),
                            "-U", "platform", database], check=True)


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _run(cmd: list[str], env: dict[str, str]) -> bool:
    print(paint("$ " + " ".join(cmd), "2"), flush=True)
    return subprocess.run(cmd, cwd=ROOT, env=env).returncode == 0


def suite_environment(servers: TestServers) -> dict[str, str]:
    """What every suite sees: the test Redis, and the redis-server binary for tests that run (and restart)
    a Redis of their own."""
    return {**clean_environment(), "REDIS_URL": servers.redis_url,
            "REDIS_SERVER_BINARY": build.redis_server_executable()}


def run_java(servers: TestServers) -> SuiteResult:
    env = {**suite_environment(servers), "TEST_POSTGRES_URL": servers.postgres_url("java_tests")}
    ok = _run([str(ROOT / "mvnw"), "-B", "-ntp", "verify"], env)
    return SuiteResult("java", ok, 0)


def run_pytest(name: str, args: list[str], servers: TestServers, database: str | None) -> SuiteResult:
    env = suite_environment(servers)
    if database:
        env["TEST_POSTGRES_URL"] = servers.postgres_url(database)
    ok = _run([str(ROOT / ".venv" / "bin" / "pytest"), *args], env)
    return SuiteResult(name, ok, 0)


def run_contracts(servers: TestServers, work_dir: Path) -> SuiteResult:
    """Lint the contracts (Spectral with contracts/.spectral.yaml; the AsyncAPI document also through the
    reference parser), then pytest contracts/tests. Every step runs, so one report shows every problem."""
    try:
        build.contracts_tooling(work_dir / "logs")
    except LauncherError as e:
        error(str(e))
        return SuiteResult("contracts", False, 0, "no contract tooling (npm ci)")
    env = suite_environment(servers)
    contracts = ROOT / "contracts"
    documents = sorted(str(p.relative_to(ROOT)) for p in [*contracts.glob("openapi/*.yaml"),
                                                           *contracts.glob("asyncapi/*.yaml")])
    asyncapi = sorted(str(p.relative_to(ROOT)) for p in contracts.glob("asyncapi/*.yaml"))
    steps = [
        [str(contracts / "node_modules" / ".bin" / "spectral"), "lint", "--ruleset", "contracts/.spectral.yaml",
         "--fail-severity", "warn", *documents],
        [build.node_executable(), "contracts/scripts/validate-asyncapi.mjs", *asyncapi],
        [str(ROOT / ".venv" / "bin" / "pytest"), "contracts/tests"],
    ]
    results = [_run(cmd, env) for cmd in steps]
    return SuiteResult("contracts", all(results), 0, "" if all(results) else
                       "failed: " + ", ".join(n for n, ok in zip(("lint", "asyncapi", "pytest"), results) if not ok))


def run_console(work_dir: Path) -> SuiteResult:
    """The web console: type check (tsc --noEmit), vitest (the pure logic, and a production build into a
    temporary folder checked for what the gateway's CSP forbids), then the job and report pages in chromium
    against a scripted platform (console/browser/flows.browser.mjs). npm ci only when the lockfile changed."""
    try:
        node = build.console_tooling(work_dir / "logs")
        chromium = build.chromium_executable()
    except LauncherError as e:
        error(str(e))
        return SuiteResult("console", False, 0, "no console packages (npm ci) or no chromium")
    env = {**clean_environment(), "CHROMIUM_BINARY": chromium,
           "SCREENSHOT_DIR": str(ROOT / "var" / "test-artifacts" / "console-flows")}
    tools = build.CONSOLE_DIR / "node_modules"
    steps = {
        "tsc": [node, str(tools / "typescript" / "bin" / "tsc"), "--noEmit", "-p", str(build.CONSOLE_DIR)],
        "vitest": [node, str(tools / "vitest" / "vitest.mjs"), "run", "--root", str(build.CONSOLE_DIR)],
        "browser": [node, "--test", "--test-reporter=spec", str(build.CONSOLE_DIR / "browser" / "flows.browser.mjs")],
    }
    results = {name: _run(cmd, env) for name, cmd in steps.items()}
    failed = [name for name, ok in results.items() if not ok]
    return SuiteResult("console", not failed, 0, "failed: " + ", ".join(failed) if failed else "")


def run_interop(servers: TestServers, work_dir: Path) -> SuiteResult:
    """Java and Python over the same Redis through each language's events tool (interop/), on the test Redis,
    on the Redis 6.2 bundled as the no-root fallback and on a Redis Cluster (the backbones must work on all three)."""
    try:
        build.build_java_events_tool(work_dir / "logs")
        bundled_redis = build.bundled_redis_server()
        cluster_nodes = servers.cluster_nodes()
    except LauncherError as e:
        error(str(e))
        return SuiteResult("interop", False, 0, "no Java events tool, no bundled Redis or no Redis Cluster")
    env = {**suite_environment(servers), "BUNDLED_REDIS_SERVER": bundled_redis, "REDIS_CLUSTER_NODES": cluster_nodes}
    ok = _run([str(ROOT / ".venv" / "bin" / "pytest"), "interop"], env)
    return SuiteResult("interop", ok, 0)


# What the `cluster` suite runs again with REDIS_CLUSTER_NODES set: every test here makes its Redis clients (and its
# Spring contexts) from the environment, so the same tests prove the single node and the cluster.
CLUSTER_JAVA_MODULES = ("java-service-kit", "gateway", "notification-service", "auth-service")
CLUSTER_JAVA_TESTS = (
    # the backbone: groups, dedupe keys, dead letters in two steps, a SIGKILLed consumer's entries taken over, the tool
    "StreamConsumerTest", "KilledConsumerTest", "ConsumersOfOneGroupTest", "EventsToolTest",
    # the gateway's rate limit (two clients counting together, subjects over every master) and its readiness
    "RedisRateLimiterTest", "GatewayApplicationTest",
    # notification history under its hash tag, replay, two instances sharing the cap, leases and the fan-out
    "HttpApiTest", "ReplayTest", "NotificationServiceApplicationTest", "ConnectionsAcrossInstancesTest",
    # auth-service's whole API: the login throttle, the outbox relayed to platform.events
    "AuthApiH2Test", "AuthServiceApplicationTest",
)
CLUSTER_PYTHON_TESTS = (
    # the backbone (dedupe keys and XACK in one MULTI, dead letters across slots), its lease, consumer processes
    # SIGKILLed mid-batch and mid-handler, the app's wiring, the tool, /health pinging every primary
    "python-service-kit/tests/test_events_backbone.py", "python-service-kit/tests/test_events_lease.py",
    "python-service-kit/tests/test_events_resilience.py", "python-service-kit/tests/test_events_app.py",
    "python-service-kit/tests/test_events_tool.py", "python-service-kit/tests/test_health.py",
    # inference jobs: MULTI/EXEC and scripts on hash-tagged keys, a worker killed mid-job
    "inference-bridge/tests/test_jobs.py",
)


def run_cluster(servers: TestServers) -> SuiteResult:
    """The Redis tests of both kits and of the services that script Redis, on a three-master Redis Cluster."""
    try:
        env = {**suite_environment(servers), "REDIS_CLUSTER_NODES": servers.cluster_nodes()}
    except LauncherError as e:
        error(str(e))
        return SuiteResult("cluster", False, 0, "no Redis Cluster")
    steps = {
        "java": [str(ROOT / "mvnw"), "-B", "-ntp", "-pl", ",".join(CLUSTER_JAVA_MODULES), "-am", "test",
                 "-Dtest=" + ",".join(CLUSTER_JAVA_TESTS), "-Dsurefire.failIfNoSpecifiedTests=false"],
        "python": [str(ROOT / ".venv" / "bin" / "pytest"), *CLUSTER_PYTHON_TESTS],
    }
    results = {name: _run(cmd, env) for name, cmd in steps.items()}
    failed = [name for name, ok in results.items() if not ok]
    return SuiteResult("cluster", not failed, 0, "failed: " + ", ".join(failed) if failed else "")


# gateway: every e2e test registers, signs in and calls from 127.0.0.1, so the e2e platform's limits are generous;
# the exact counts and the reset are proven by the gateway's own tests (GatewayEdgeTest, small limits, real Redis).
E2E_ADMIN_EMAIL = "e2e-admin@example.com"
E2E_ADMIN_PASSWORD = "e2e-admin-password-not-secret"
E2E_GATEWAY_ENVIRON = {
    "RATE_LIMIT_SIGNED_IN": "100000", "RATE_LIMIT_ANONYMOUS": "100000", "RATE_LIMIT_SIGN_IN": "100000",
}


@dataclass
class TestPlatform:
    """A whole platform started for a suite: its gateway, each service's own URL, its logs."""

    gateway_url: str
    service_urls: dict[str, str]
    logs_dir: Path
    left_behind: list[int]
    zipkin_url: str = ""  # "" when the platform runs without it
    prometheus_url: str = ""  # "" without it (no observability, or no `prometheus` binary)
    faults_url: str = ""  # the fault proxy's API (launcher/faults.py), "" when the platform runs without faults
    # The pid of each part, its restarts and the last reason, kept current by the platform's supervisor.
    state_file: Path | None = None
    # Filled when the platform stops: each part the supervisor restarted, with its restarts and the last reason.
    restarts: dict[str, str] = field(default_factory=dict)
    redis_url: str = ""  # its event backbone, for tests that publish on it as a tool would (./platform seed)
    # Every process of a service or worker by name, the instances of a part scaled by PLATFORM_SCALE (`<part>-<n>`)
    # too; `service_urls` has each part's first instance, which the suites address by the part's name.
    instance_urls: dict[str, str] = field(default_factory=dict)


def platform_environ(servers: TestServers, name: str, extra_environ: dict[str, str],
                     observability: bool) -> dict[str, str]:
    """The environment of a suite's platform: none of the caller's platform variables but PLATFORM_SCALE (the suites
    run against replicas with `PLATFORM_SCALE=… ./platform test e2e`), its own databases and bootstrap admin."""
    return {**clean_environment(), "AUTH_DATABASE_URL": servers.postgres_url(f"{name}_auth"),
            "REPORTING_DATABASE_URL": servers.postgres_url(f"{name}_reporting"),
            "ADMIN_EMAIL": E2E_ADMIN_EMAIL, "ADMIN_PASSWORD": E2E_ADMIN_PASSWORD,
            "PLATFORM_OBSERVABILITY": "on" if observability else "off",
            "PLATFORM_SCALE": os.environ.get("PLATFORM_SCALE", ""), **E2E_GATEWAY_ENVIRON, **extra_environ}


@contextmanager
def started_platform(servers: TestServers, work_dir: Path, name: str, extra_environ: dict[str, str],
                     observability: bool = False) -> Iterator[TestPlatform]:
    """Starts a whole platform on free ports with its own databases (<name>_auth, <name>_reporting) and data folder,
    exactly as ./platform up does (with Zipkin and Prometheus when `observability`, Prometheus only if its binary is
    found) and supervised as it does (a part that exits or hangs is restarted; a thread runs the ticks); stops
    supervising, then the platform, on exit, and records in `left_behind` any process or port it left and in
    `restarts` what the supervisor restarted."""
    ports = free_ports()
    environ = platform_environ(servers, name, extra_environ, observability)
    settings = load_settings(data_dir=work_dir / f"{name}-platform", ports=ports, environ=environ)
    ports = settings.ports  # with the free ports of the instances beyond the first (PLATFORM_SCALE)
    settings.prometheus = build.prometheus_executable() is not None
    supervisor = Supervisor(settings)
    if settings.runs(ZIPKIN):
        build.zipkin_server_jar()
    build.build_java(settings.logs_dir)
    build.build_console(settings.logs_dir)  # as ./platform up does: the gateway serves console/dist at /
    build.ensure_model(settings.logs_dir, settings.model_dir)
    step(f"starting a platform for {name}: gateway on port {ports['gateway']}, data in {settings.data_dir}")
    platform = TestPlatform(f"http://127.0.0.1:{ports['gateway']}",
                            {part.name: f"http://127.0.0.1:{ports[part.name]}" for part in SERVICES},
                            settings.logs_dir, [],
                            f"http://127.0.0.1:{ports['zipkin']}" if settings.runs(ZIPKIN) else "",
                            f"http://127.0.0.1:{ports['prometheus']}" if settings.runs(PROMETHEUS) else "",
                            faults.api_url(settings) if settings.faults else "", settings.state_file,
                            redis_url=settings.redis_url,
                            instance_urls={part.name: f"http://127.0.0.1:{ports[part.name]}"
                                           for part in settings.services()})
    try:
        supervisor.start_platform()  # the very code path of ./platform up
        supervisor.supervise_in_thread()
        yield platform
    finally:
        supervisor.stop_supervising()  # no restart while the platform stops
        platform.restarts = {n: f"{r.restarts} (last: {r.last_restart_reason})"
                             for n, r in supervisor.running.items() if r.restarts}
        pids = [r.pid for r in supervisor.running.values()]
        supervisor.stop_all()
        platform.left_behind += [pid for pid in pids if _pid_alive(pid)] + [p for p in ports.values() if port_in_use(p)]


def _platform_suite(name: str, servers: TestServers, work_dir: Path, extra_environ: dict[str, str],
                    commands: Callable[[TestPlatform], list[tuple[list[str], dict[str, str]]]],
                    observability: bool = False, restarts_expected: bool | set[str] = False) -> SuiteResult:
    """Runs each command (with its environment) against one platform started for the suite; every command runs, so
    one report shows every failure. A part restarted by the supervisor fails the suite unless `restarts_expected`
    (True: a suite that kills parts; a set: the instances a test kills on purpose): supervision must not hide a
    crash. Once the platform stopped, its logs are scanned for
    the credentials the commands recorded (launcher/credential_scan.py)."""
    platform = None
    credentials = work_dir / f"{name}-credentials.txt"
    recording = {CREDENTIALS_FILE_VARIABLE: str(credentials)}
    credentials.write_text(E2E_ADMIN_PASSWORD + "\n")  # the bootstrap admin's, which a command may send by other means
    try:
        with started_platform(servers, work_dir, name, extra_environ, observability) as platform:
            results = [_run(command, {**clean_environment(), **recording, **env}) for command, env in commands(platform)]
            ok = all(results)
    except LauncherError as e:
        error(str(e))
        ok = False
    if platform is not None and platform.left_behind:
        error(f"processes or listening ports left behind after stopping the platform: {platform.left_behind}")
        return SuiteResult(name, False, 0, "left processes behind")
    unexpected = {} if restarts_expected is True else {
        part: reason for part, reason in (platform.restarts if platform is not None else {}).items()
        if part not in (restarts_expected or set())}
    if unexpected:
        error("parts exited or hung and were restarted during the suite: "
              + "; ".join(f"{n}: {r}" for n, r in unexpected.items()))
        return SuiteResult(name, False, 0, "parts restarted: " + ", ".join(unexpected))
    if platform is not None:
        recorded = read_credentials(credentials)
        findings = scan(platform.logs_dir, recorded)
        if findings:
            error(f"credentials in the logs of the {name} platform:\n" + "\n".join(f"  {f}" for f in findings[:50]))
            return SuiteResult(name, False, 0, f"{len(findings)} log lines hold a credential")
        step(f"no credential in the {name} platform's logs ({len(recorded)} recorded credentials, and signed tokens)")
    return SuiteResult(name, ok, 0, "platform stopped cleanly, no credential in its logs")


E2E_SCALE = "notification-service=2,inference-bridge=2,inference-worker=2"
# The instance e2e/test_replicas.py kills to see it leave the gateway's rotation and come back: its restart is expected.
E2E_KILLED_INSTANCE = "inference-bridge-2"


def run_e2e(servers: TestServers, work_dir: Path) -> SuiteResult:
    """Start a whole platform on free ports, test it through its gateway (pytest, then the Java e2e tests), stop it,
    check nothing is left."""
    def commands(platform: TestPlatform) -> list[tuple[list[str], dict[str, str]]]:
        env = {"GATEWAY_URL": platform.gateway_url,
               # The services' own ports too: a few checks (the contract drift of each service's live OpenAPI
               # document) look at a service directly, as an operator would, not through the gateway.
               "E2E_SERVICE_URLS": json.dumps(platform.service_urls), "E2E_LOGS_DIR": str(platform.logs_dir),
               # The trace UI the services export to, and Prometheus ("" when its binary is missing: the test that
               # needs it fails, saying so).
               "E2E_ZIPKIN_URL": platform.zipkin_url, "E2E_PROMETHEUS_URL": platform.prometheus_url,
               # Its Redis: ./platform seed publishes the month of history there (e2e/test_seed.py).
               "E2E_REDIS_URL": platform.redis_url,
               # Every instance of the scaled parts (e2e/test_replicas.py) and the state file naming their pids.
               "E2E_INSTANCE_URLS": json.dumps(platform.instance_urls), "E2E_STATE_FILE": str(platform.state_file)}
        return [([str(ROOT / ".venv" / "bin" / "pytest"), "e2e", "--ignore=e2e/contract_fuzz"], env),
                # The Java end-to-end tests (e2e/java), with the client generated from the contracts, on the same
                # platform. -am builds only the parent and platform-client, which have no tests of their own.
                ([str(ROOT / "mvnw"), "-B", "-ntp", "-q", "-pl", "e2e/java", "-am", "verify", "-Pe2e",
                  f"-Dgateway.url={platform.gateway_url}"], env)]

    # With Zipkin (the services export their spans to it, as under ./platform up) and Prometheus: a few seconds more.
    # Replicas of the parts that can have them, unless the caller chose (PLATFORM_SCALE): every flow is tested
    # through a gateway balancing over instances, and e2e/test_replicas.py kills one on purpose.
    scale = os.environ.get("PLATFORM_SCALE") or E2E_SCALE
    return _platform_suite("e2e", servers, work_dir, {"PLATFORM_SCALE": scale}, commands, observability=True,
                           restarts_expected={E2E_KILLED_INSTANCE})


# The chaos platform: faults on (toxiproxy on every link the schedule touches), and timings that make recovery quick
# and the run short: idle pending entries of a killed consumer reclaimed after 5 s, breakers open for 2 s, every route
# answering within 8 s (the checks hold every answer to that), SSE keep-alives every 2 s. One instance of each part
# (the fault proxy cannot be combined with replicas), whatever PLATFORM_SCALE the caller has.
CHAOS_ROUTE_TIMEOUT_MS = 8000
CHAOS_ENVIRON = {
    "PLATFORM_FAULTS": "on", "PLATFORM_SCALE": "",
    "EVENTS_MIN_IDLE_MS": "5000", "EVENTS_RECLAIM_INTERVAL_MS": "1000",
    "GATEWAY_BREAKER_OPEN_FOR": "2s",
    **{f"GATEWAY_{route}_TIMEOUT_MS": str(CHAOS_ROUTE_TIMEOUT_MS)
       for route in ("AUTH", "NOTIFICATION", "INFERENCE", "REPORTING")},
    "NOTIFICATION_SSE_KEEP_ALIVE_MS": "2000",
}
# The replicas scenario's platform: two instances of every service and worker (the gateway stays the one entry), no
# fault proxy, the same timings. auth-service scales: it runs on the test PostgreSQL here.
CHAOS_SCALE = ",".join(f"{part.name}=2" for part in SCALABLE_PARTS)
CHAOS_REPLICAS_ENVIRON = {**CHAOS_ENVIRON, "PLATFORM_FAULTS": "off", "PLATFORM_SCALE": CHAOS_SCALE}
CHAOS_TEST = "chaos/test_chaos.py::test_the_platform_keeps_its_promises_while_"


def run_chaos(servers: TestServers, work_dir: Path) -> SuiteResult:
    """A steady load through the gateway of a platform of its own while its parts are killed and its links cut, slowed
    or made to fail, then the history checked; then the same load and checks on another platform, two instances of
    every service and worker, while one instance of each is killed (chaos/README.md). One platform after the other,
    never two at once; without Zipkin and Prometheus: lean on 2 cores."""
    def commands(name: str, tests: list[str]) -> Callable[[TestPlatform], list[tuple[list[str], dict[str, str]]]]:
        return lambda platform: [([str(ROOT / ".venv" / "bin" / "pytest"), *tests, "-s"], {
            # Every process of a service or worker by name, each instance of a scaled part too (`<part>-<n>`).
            "GATEWAY_URL": platform.gateway_url, "CHAOS_SERVICE_URLS": json.dumps(platform.instance_urls),
            "CHAOS_STATE_FILE": str(platform.state_file),
            "CHAOS_FAULTS_URL": platform.faults_url,
            "CHAOS_REPORTING_DATABASE_URL": servers.postgres_url(f"{name}_reporting"),
            "CHAOS_ADMIN_EMAIL": E2E_ADMIN_EMAIL, "CHAOS_ADMIN_PASSWORD": E2E_ADMIN_PASSWORD,
            "CHAOS_ROUTE_TIMEOUT_MS": str(CHAOS_ROUTE_TIMEOUT_MS), "CHAOS_LOGS_DIR": str(platform.logs_dir),
            # Kept after the run (var/ is never committed): the history, the figures, the findings, the logs.
            "CHAOS_ARTIFACTS_DIR": str(ROOT / "var" / "test-artifacts" / "chaos")})]

    scenarios = {
        "faults": _platform_suite("chaos", servers, work_dir, CHAOS_ENVIRON,
                                  commands("chaos", ["chaos/tests", CHAOS_TEST + "parts_fail"]),
                                  restarts_expected=True),
        "replicas": _platform_suite("chaos_replicas", servers, work_dir, CHAOS_REPLICAS_ENVIRON,
                                    commands("chaos_replicas", [CHAOS_TEST + "instances_die"]), restarts_expected=True),
    }
    return SuiteResult("chaos", all(r.passed for r in scenarios.values()), 0,
                       "; ".join(f"{name}: {r.note}" for name, r in scenarios.items()))


# Fuzzing sends thousands of sign-ins with made-up credentials from one address: auth-service's failed-login throttle
# (20 per address, 5 per account in 15 minutes; its own tests prove it) would turn most of them into 429s.
FUZZ_ENVIRON = {"AUTH_LOGIN_THROTTLE_MAX_FAILURES_PER_IP": "1000000",
                "AUTH_LOGIN_THROTTLE_MAX_FAILURES_PER_ACCOUNT": "1000000"}


def run_fuzz(servers: TestServers, work_dir: Path) -> SuiteResult:
    """schemathesis against a platform of its own: every contract, every role (e2e/contract_fuzz). Without Zipkin and
    Prometheus: nothing there looks at them."""
    return _platform_suite("fuzz", servers, work_dir, FUZZ_ENVIRON, lambda platform: [(
        [str(ROOT / ".venv" / "bin" / "pytest"), "e2e/contract_fuzz", "-s"],
        {"GATEWAY_URL": platform.gateway_url, "FUZZ_ADMIN_EMAIL": E2E_ADMIN_EMAIL, "FUZZ_ADMIN_PASSWORD": E2E_ADMIN_PASSWORD,
         # Kept after the run (var/ is never committed): each failure's full report, with the requests as curl.
         "FUZZ_REPORT_DIR": str(ROOT / "var" / "fuzz-reports")})])


# What the sandbox plugins read (sandbox/python/README.md): set in a developer's shell, they would make an example attach
# to another platform, or look for the platform elsewhere.
SANDBOX_PLUGIN_VARIABLES = ("PLATFORM_GATEWAY_URL", "PLATFORM_REDIS_URL", "PLATFORM_ADMIN_EMAIL", "PLATFORM_ADMIN_PASSWORD",
                            "PLATFORM_FAULTS_URL", "PLATFORM_HOME")


def example_commands() -> list[tuple[Path, list[list[str]]]]:
    """The examples suite: one entry per example project (examples/README.md), its folder and the commands that run
    its tests there, in order, as its own team would. Each starts its own sandbox (./platform sandbox start) through the
    platform's plugin for its language, so the suite proves the path a user takes from a fresh clone."""
    mvnw = str(ROOT / "mvnw")
    return [
        # Its own uv project and lock (not a workspace member): `uv run --frozen` syncs its .venv, then runs pytest.
        (ROOT / "examples" / "python-usage-digest", [[build.uv_executable(), "run", "--frozen", "pytest"]]),
        # Its own pom (Boot's parent), taking the platform's artifacts from ~/.m2: first they are installed there, as a
        # team does once (the extension, with the kit and the generated client it depends on), then `verify` runs the
        # unit tests and the *IT classes, which start their sandbox.
        (ROOT / "examples" / "java-delay-watch",
         [[mvnw, "-B", "-ntp", "-q", "-f", str(ROOT / "pom.xml"), "-pl", "sandbox/java", "-am", "install",
           "-DskipTests"],
          [mvnw, "-B", "-ntp", "verify"]]),
        # `./platform new service` end to end: a Python and a Java service made in a clone of this repository, checked,
        # built, started in a sandbox and called through its gateway (launcher/README.md#new-service).
        (ROOT, [[build.venv_python(), "-m", "pytest", "-q", "-p", "no:cacheprovider", "launcher/end_to_end"]]),
    ]


def run_examples() -> SuiteResult:
    """Every example's tests, each in its folder with the environment a user's shell would give it (none of the
    platform's variables: a PLATFORM_GATEWAY_URL would make a plugin attach instead of starting its sandbox)."""
    leave_out = {*PLATFORM_VARIABLES, *SANDBOX_PLUGIN_VARIABLES, "VIRTUAL_ENV"}
    env = {k: v for k, v in build.uv_env().items() if k not in leave_out}
    failed = []
    for folder, commands in example_commands():
        for command in commands:
            print(paint(f"$ (cd {folder.relative_to(ROOT)} && {' '.join(command)})", "2"), flush=True)
            if subprocess.run(command, cwd=folder, env=env).returncode != 0:
                failed.append(folder.name)
                break
    return SuiteResult("examples", not failed, 0, "failed: " + ", ".join(failed) if failed else "")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def run_test_suites(selected: list[str]) -> int:
    unknown = [s for s in selected if s not in SUITES]
    if unknown:
        error(f"unknown suite(s) {', '.join(unknown)}; choose among {', '.join(SUITES)}")
        return 2
    suites = [s for s in SUITES if s in selected] if selected else list(DEFAULT_SUITES)
    work_dir = Path(tempfile.mkdtemp(prefix="platform-test-"))
    work_dir.chmod(0o755)  # the PostgreSQL user must reach its data folder inside
    results: list[SuiteResult] = []
    try:
        build.java_executable()
        build.sync_python(work_dir / "logs")
        # A run of suites that need no Redis or PostgreSQL of the run's (`./platform test examples`) starts none.
        needs_servers = any(suite not in SUITES_WITHOUT_SERVERS for suite in suites)
        with TestServers(work_dir) if needs_servers else nullcontext() as servers:
            runners = {
                "java": lambda: run_java(servers),
                "python": lambda: run_pytest("python", [], servers, "python_tests"),
                "interop": lambda: run_interop(servers, work_dir),
                "cluster": lambda: run_cluster(servers),
                "contracts": lambda: run_contracts(servers, work_dir),
                "console": lambda: run_console(work_dir),
                "checks": lambda: run_pytest("checks", ["checks"], servers, None),
                "e2e": lambda: run_e2e(servers, work_dir),
                "chaos": lambda: run_chaos(servers, work_dir),
                "fuzz": lambda: run_fuzz(servers, work_dir),
                "examples": run_examples,
            }
            for suite in suites:
                step(f"suite {suite}")
                started = time.monotonic()
                result = runners[suite]()
                result.seconds = time.monotonic() - started
                results.append(result)
    except LauncherError as e:
        error(str(e))
        results.append(SuiteResult("setup", False, 0, str(e).splitlines()[0]))
    except KeyboardInterrupt:
        results.append(SuiteResult("interrupted", False, 0))
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    print()
    for r in results:
        mark = paint("PASS", "32") if r.passed else paint("FAIL", "31")
        print(f"  {mark}  {r.name:<9} {r.seconds:7.1f}s  {r.note}")
    passed = sum(r.passed for r in results)
    failed = len(results) - passed + len([s for s in suites if s not in {r.name for r in results}])
    # The plain closing line CI reads: it counts suites, each of which printed its own test counts above.
    print(f"suites: {passed} passed, {failed} failed")
    return 0 if failed == 0 and passed == len(suites) else 1
