"""What the platform is made of and how each part is configured.

The topology is declared here once (docs/decisions/0027): `SERVICES` (each part's name, language, port and its
variable, health paths, module or command, route prefix at the gateway), `SERVICE_URL_VARS` (the variable through
which the gateway finds each routed service), `WAITS_FOR` (what a part needs up before it starts) and `SCALABLE_PARTS`
(which run as several instances). `./platform up` runs from it, observability/prometheus/compose/prometheus.yml is
generated from it, and checks/test_topology.py holds every other place to it: compose.yaml, the gateway's routes and
access rules, .env.example, the Helm chart's parts, the Dockerfiles and the services table of docs/architecture.md.

Configuration is twelve-factor: the environment variables listed in `.env.example`, optionally from a `.env` file at
the project root (never committed), the process environment winning over the file.
"""

from __future__ import annotations

import os
import re
import socket
from dataclasses import dataclass, field, replace
from pathlib import Path

from .console import LauncherError, fail

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Part:
    name: str
    kind: str  # "redis" | "java" | "python" | "zipkin" | "prometheus" | "toxiproxy"
    port_var: str
    default_port: int
    health_path: str  # "" for redis (checked with PING)
    module: str = ""  # Maven module or Python import package
    public_prefix: str = ""  # path the gateway routes to this part
    # What the supervisor probes to tell a hung part from a live one, when it is not the health path: Spring Boot's
    # readiness group asks Redis, and Redisson, with Redis cut off, holds the answer past any probe's timeout (the
    # chaos suite saw a healthy gateway restarted for it); its liveness group asks nothing outside the process.
    liveness_path: str = ""
    # Which instance of its part this process is (--scale): instance 1 carries the part's own name, port and log;
    # instance n > 1 is named `<part>-<n>` and `replica_of` names its part.
    instance: int = 1
    replica_of: str = ""

    @property
    def part_name(self) -> str:
        """The part this process is an instance of (its own name for instance 1)."""
        return self.replica_of or self.name

    @property
    def instance_id(self) -> str:
        """INSTANCE_ID of this process: its Redis Streams consumer name and the label of its metrics."""
        return f"{self.part_name}-{self.instance}"

    @property
    def liveness_probe_path(self) -> str:
        return self.liveness_path or self.health_path

    @property
    def is_service(self) -> bool:
        return self.kind in ("java", "python")

    @property
    def metrics_path(self) -> str:
        """Where Prometheus scrapes the part ("" for Redis, which serves no metrics)."""
        return METRICS_PATHS.get(self.kind, "")


# Micrometer's endpoint on the Java services, prometheus-client's on the Python ones (service_kit.app), Zipkin's own
# (it serves Prometheus text on /prometheus), Prometheus' own.
METRICS_PATHS = {"java": "/actuator/prometheus", "python": "/metrics", "zipkin": "/prometheus",
                 "prometheus": "/metrics"}

REDIS = Part("redis", "redis", "REDIS_PORT", 6379, "")
# Observability: the trace UI the services export spans to, and Prometheus scraping every part (`--no-observability`
# or PLATFORM_OBSERVABILITY=off leaves both out). Started after Redis and before the services.
ZIPKIN = Part("zipkin", "zipkin", "ZIPKIN_PORT", 9411, "/health")
PROMETHEUS = Part("prometheus", "prometheus", "PROMETHEUS_PORT", 9090, "/-/ready")
OBSERVABILITY_PARTS = (ZIPKIN, PROMETHEUS)
# Fault injection (launcher/faults.py): toxiproxy-server, its HTTP API on this port, one proxy per link on free ports.
# Only with `./platform up --faults` or PLATFORM_FAULTS=on; started after Redis, before the services.
FAULT_PROXY = Part("fault-proxy", "toxiproxy", "FAULT_PROXY_PORT", 8474, "/version")
# The Python services' /health bounds its own Redis check (service_kit/health.py): it serves as their liveness probe too.
JAVA_LIVENESS_PATH = "/actuator/health/liveness"
SERVICES = (
    Part("auth-service", "java", "AUTH_PORT", 8081, "/actuator/health/readiness", "auth-service", "/api/auth",
         JAVA_LIVENESS_PATH),
    Part("notification-service", "java", "NOTIFICATION_PORT", 8082, "/actuator/health/readiness",
         "notification-service", "/api/notifications", JAVA_LIVENESS_PATH),
    Part("inference-bridge", "python", "INFERENCE_PORT", 8001, "/health", "inference_bridge", "/api/inference"),
    Part("reporting-bridge", "python", "REPORTING_PORT", 8002, "/health", "reporting_bridge", "/api/reports"),
    # The inference job worker: consumes inference.jobs; serves /health and /metrics only (no route at the gateway).
    Part("inference-worker", "python", "INFERENCE_WORKER_PORT", 8011, "/health", "inference_bridge.worker"),
    # The report worker: consumes reporting.jobs; serves /health and /metrics only.
    Part("reporting-worker", "python", "REPORTING_WORKER_PORT", 8012, "/health", "reporting_bridge.worker"),
    # ./platform new service adds services above this line (launcher/new_service/topology.py); the gateway stays last.
    Part("gateway", "java", "GATEWAY_PORT", 8080, "/actuator/health/readiness", "gateway", "", JAVA_LIVENESS_PATH),
)
PARTS = (REDIS, FAULT_PROXY, *OBSERVABILITY_PARTS, *SERVICES)
GATEWAY = SERVICES[-1]

# --scale / PLATFORM_SCALE: how many instances of a service or worker run. Not the gateway (the single entry on its
# fixed port: the instances sit behind it), nor Redis, Zipkin, Prometheus or the fault proxy (one each is what the
# platform's clients are given an address of). More than MAX_INSTANCES of one part on one machine is a typo.
SCALABLE_PARTS = tuple(p for p in SERVICES if p is not GATEWAY)
MAX_INSTANCES = 8
UNSCALABLE_REASONS = {
    GATEWAY.name: "the gateway is the platform's one entry on its fixed port; the instances of the services sit "
                  "behind it",
    REDIS.name: "every part is given one Redis URL (REDIS_URL); Redis beyond one node is Sentinel or Cluster, not "
                "copies",
    ZIPKIN.name: "every service exports its spans to one Zipkin (TRACING_ZIPKIN_ENDPOINT), which keeps them in memory",
    PROMETHEUS.name: "one Prometheus scrapes every instance already",
    FAULT_PROXY.name: "one fault proxy holds every link",
}


def compose_replicas_variable(name: str) -> str:
    """compose.yaml's counterpart of --scale: `deploy.replicas: ${<PART>_REPLICAS:-1}` on each scalable part
    (checks/test_compose_policy.py)."""
    return name.upper().replace("-", "_") + "_REPLICAS"


COMPOSE_REPLICAS_VARIABLES = {p.name: compose_replicas_variable(p.name) for p in SCALABLE_PARTS}
FAULTS_WITH_SCALE = ("--faults (PLATFORM_FAULTS) cannot be combined with --scale (PLATFORM_SCALE): the fault proxy has "
                     "one link per part, to one address, and would hide every instance but the first")
SCALE_ENTRY = re.compile(r"^\s*([a-z][a-z0-9-]*)\s*=\s*([0-9]+)\s*$")


class ScaleError(LauncherError):
    """A --scale or PLATFORM_SCALE the launcher refuses: a usage error (exit status 2)."""


def parse_scale(spec: str, env: dict[str, str] | None = None) -> dict[str, int]:
    """`part=N,part=N` into {part: N}; raises ScaleError saying why a spec cannot be run. An empty spec: {}."""
    scale: dict[str, int] = {}  # only the parts of more than one instance
    seen: set[str] = set()
    scalable = {p.name for p in SCALABLE_PARTS}
    for entry in (e for e in spec.split(",") if e.strip()) if spec.strip() else ():
        match = SCALE_ENTRY.match(entry)
        if not match:
            raise ScaleError(f"--scale/PLATFORM_SCALE: {entry.strip()!r} is not PART=N (e.g. inference-worker=3)")
        name, count = match.group(1), int(match.group(2))
        if name in UNSCALABLE_REASONS:
            raise ScaleError(f"--scale/PLATFORM_SCALE: {name} cannot be scaled: {UNSCALABLE_REASONS[name]}")
        if name not in scalable:
            raise ScaleError(f"--scale/PLATFORM_SCALE: no part named {name!r} (scalable: {', '.join(sorted(scalable))})")
        if name in seen:
            raise ScaleError(f"--scale/PLATFORM_SCALE: {name} is given twice")
        seen.add(name)
        if not 1 <= count <= MAX_INSTANCES:
            raise ScaleError(f"--scale/PLATFORM_SCALE: {name}={count}: from 1 to {MAX_INSTANCES} instances per part")
        if count > 1:
            scale[name] = count
    if env is not None and SWITCH_VALUES.get((env.get("PLATFORM_FAULTS") or "off").strip().lower()) and scale:
        raise ScaleError(FAULTS_WITH_SCALE)
    if scale.get("auth-service", 1) > 1 and env is not None and not env.get("AUTH_DATABASE_URL"):
        raise ScaleError("--scale/PLATFORM_SCALE: auth-service can only be scaled with AUTH_DATABASE_URL set to a "
                         "PostgreSQL: its embedded H2 file is opened by one process at a time")
    return scale


def instances(part: Part, count: int) -> tuple[Part, ...]:
    """The processes of one part: itself as instance 1, then `<part>-2` … `<part>-<count>` (no port variable of
    their own: the launcher gives them free ports)."""
    return (part, *(replace(part, name=f"{part.name}-{n}", port_var="", instance=n, replica_of=part.name)
                    for n in range(2, count + 1)))

# The services the gateway routes to (those with a public_prefix), each with the variable through which it finds their
# instances: one base URL, or a comma-separated list (gateway.services in its application.yaml).
SERVICE_URL_VARS = {
    "auth-service": "AUTH_SERVICE_URL",
    "notification-service": "NOTIFICATION_SERVICE_URL",
    "inference-bridge": "INFERENCE_SERVICE_URL",
    "reporting-bridge": "REPORTING_SERVICE_URL",
}

# What a service needs up and healthy before it starts, beyond Redis (which every service uses): compose.yaml's
# depends_on. (./platform up waits for Redis alone, then starts every service at once and waits until all are
# healthy: Supervisor.start_platform.) `postgres` is compose's and the chart's database (./platform up gives
# auth-service its embedded H2 unless AUTH_DATABASE_URL is set).
WAITS_FOR = {
    "auth-service": ("postgres",),
    "reporting-worker": ("reporting-bridge",),  # it migrates the database they share first
}


def waits_for(part: Part, routed: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """Every part or backing store `part` waits for: Redis, its own entries of WAITS_FOR, and for the gateway every
    service it routes to (`routed`, default those of SERVICE_URL_VARS)."""
    to_route = (tuple(SERVICE_URL_VARS) if routed is None else routed) if part.name == GATEWAY.name else ()
    return ("redis", *WAITS_FOR.get(part.name, ()), *to_route)


DEFAULT_JAVA_OPTS = "-Xms64m -Xmx384m -XX:+UseSerialGC"
# Zipkin (in-memory storage): a small heap, and a span cap it fits in (docs/performance.md has its RSS). The first JIT
# tier only: it halves the CPU Zipkin spends starting beside the services, for a development trace server that is
# the figure that matters (docs/performance.md, start-up and memory).
ZIPKIN_JAVA_OPTS = ("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
ZIPKIN_MAX_SPANS = 100_000
# Tracing, read by every service (java-service-kit, service_kit); the launcher points them at its Zipkin.
TRACING_VARIABLES = ("TRACING_ZIPKIN_ENDPOINT", "TRACING_SAMPLING_PROBABILITY")
OBSERVABILITY_OFF = ("off", "false", "0", "no")
SWITCH_VALUES = {"on": True, "true": True, "1": True, "yes": True, "off": False, "false": False, "0": False, "no": False}

# Every variable that configures a platform instance (the names of .env.example). A test instance
# strips them from the developer's environment so it can never reach the developer's own instance.
# The event backbone's settings, read under the same names by the Java and the Python services.
EVENT_VARIABLES = (
    "EVENTS_RETENTION", "EVENTS_DEFAULT_RETENTION", "EVENTS_DLQ_RETENTION", "EVENTS_BATCH_SIZE", "EVENTS_BLOCK_MS",
    "EVENTS_RECLAIM_INTERVAL_MS", "EVENTS_MIN_IDLE_MS", "EVENTS_MAX_DELIVERIES", "EVENTS_DEDUPE_WINDOW_MS",
    "EVENTS_SHUTDOWN_TIMEOUT_MS", "EVENTS_GROUP_START_ID",
)
# Access tokens: issued by auth-service, checked by every other service (service_kit.auth, java-service-kit security).
TOKEN_VARIABLES = (
    "AUTH_ISSUER", "AUTH_AUDIENCE", "ACCESS_TOKEN_TTL", "REFRESH_TOKEN_TTL", "AUTH_JWKS_URL",
    "AUTH_KEY_ROTATION_INTERVAL",
)
# notification-service: real-time delivery limits and timings (application.yaml, notification.*).
NOTIFICATION_VARIABLES = (
    "NOTIFICATION_HISTORY_CAP", "NOTIFICATION_HISTORY_TTL_MS", "NOTIFICATION_REPLAY_LIMIT",
    "NOTIFICATION_SEND_QUEUE_SIZE", "NOTIFICATION_MAX_CONNECTIONS_PER_USER", "NOTIFICATION_MAX_MESSAGE_BYTES",
    "NOTIFICATION_HEARTBEAT_INTERVAL_MS", "NOTIFICATION_SSE_KEEP_ALIVE_MS", "NOTIFICATION_TICKET_TTL_MS",
)
# inference-bridge and its worker: where the trained model is, and how jobs run.
INFERENCE_VARIABLES = (
    "MODEL_DIR", "INFERENCE_JOB_TTL_SECONDS", "INFERENCE_JOB_CHUNK_ROWS", "INFERENCE_JOB_CHUNK_PAUSE_MS",
)
# reporting-bridge and reporting-worker (besides their ports and REPORTING_DATABASE_URL).
REPORTING_VARIABLES = ("REPORTING_CHUNK_ROWS",)
# gateway: the edge's policies (gateway/src/main/resources/application.yaml).
GATEWAY_VARIABLES = (
    "CORS_ALLOWED_ORIGINS", "GATEWAY_MAX_BODY_SIZE", "CONSOLE_DIR", "RATE_LIMIT_ENABLED", "RATE_LIMIT_WINDOW",
    "RATE_LIMIT_SIGNED_IN", "RATE_LIMIT_ANONYMOUS", "RATE_LIMIT_SIGN_IN", "GATEWAY_AUTH_TIMEOUT_MS",
    "GATEWAY_NOTIFICATION_TIMEOUT_MS", "GATEWAY_INFERENCE_TIMEOUT_MS", "GATEWAY_REPORTING_TIMEOUT_MS",
    "GATEWAY_BREAKER_OPEN_FOR", "PROMETHEUS_URL",
)
# A Redis Cluster or Sentinel of the user's instead of REDIS_URL (decision 0028): passed to the services as they are.
REDIS_TOPOLOGY_VARIABLES = ("REDIS_CLUSTER_NODES", "REDIS_SENTINEL_MASTER", "REDIS_SENTINEL_NODES")
PLATFORM_VARIABLES = frozenset({
    *(p.port_var for p in PARTS), *SERVICE_URL_VARS.values(), "REDIS_URL", *REDIS_TOPOLOGY_VARIABLES, "AUTH_DATABASE_URL",
    "REPORTING_DATABASE_URL", "PLATFORM_DATA_DIR", "BIND_ADDRESS", "ADMIN_EMAIL", "ADMIN_PASSWORD",
    "LOG_FORMAT", "INSTANCE_ID", "JAVA_OPTS", "PLATFORM_OBSERVABILITY", "PLATFORM_FAULTS", "PLATFORM_SCALE", *TRACING_VARIABLES, *EVENT_VARIABLES, *TOKEN_VARIABLES, *NOTIFICATION_VARIABLES,
    *INFERENCE_VARIABLES, *REPORTING_VARIABLES, *GATEWAY_VARIABLES,
})


def read_env_file(path: Path) -> dict[str, str]:
    """Parse a dotenv file: KEY=VALUE lines, '#' comments, optional quotes. No interpolation."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        key = key.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values


@dataclass
class Settings:
    """The resolved configuration of one platform instance (the developer's, or a test's)."""

    data_dir: Path
    env: dict[str, str]  # the variables passed to every child process
    ports: dict[str, int]
    bind_address: str = "127.0.0.1"
    external_redis_url: str | None = None  # REDIS_URL given: use it, start no Redis
    observability: bool = True  # Zipkin and Prometheus (off: --no-observability or PLATFORM_OBSERVABILITY=off)
    prometheus: bool = True  # off as well when no `prometheus` binary is found (a note says so)
    external_zipkin_endpoint: str | None = None  # TRACING_ZIPKIN_ENDPOINT given: export there, start no Zipkin
    faults: bool = False  # the fault proxy on every link (--faults or PLATFORM_FAULTS=on)
    extra_env: dict[str, dict[str, str]] = field(default_factory=dict)  # per part
    scale: dict[str, int] = field(default_factory=dict)  # instances per part (--scale, PLATFORM_SCALE); absent: 1

    def set_scale(self, scale: dict[str, int]) -> None:
        """Run `scale` instances of those parts; every instance beyond the first gets a free port (unless the state
        file of a running instance already gave it one)."""
        if self.faults and any(count > 1 for count in scale.values()):
            raise ScaleError(FAULTS_WITH_SCALE)
        self.scale = {name: count for name, count in scale.items() if count > 1}
        for part in self.services():
            self.ports.setdefault(part.name, free_port())

    def instances(self, part: Part) -> tuple[Part, ...]:
        """The processes of a part on this instance (itself alone unless scaled)."""
        return instances(part, self.scale.get(part.name, 1))

    def services(self) -> tuple[Part, ...]:
        """Every service and worker process, each instance of a scaled part after its first, the gateway last."""
        return tuple(instance for part in SERVICES for instance in self.instances(part))

    @property
    def run_dir(self) -> Path:
        return self.data_dir / "run"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def state_file(self) -> Path:
        return self.run_dir / "platform.json"

    @property
    def redis_url(self) -> str:
        return self.external_redis_url or f"redis://127.0.0.1:{self.ports['redis']}/0"

    def url(self, part: Part) -> str:
        return f"http://localhost:{self.ports[part.name]}"

    def parts(self) -> tuple[Part, ...]:
        """What this instance runs, in start order."""
        parts: list[Part] = [] if self.external_redis_url else [REDIS]
        if self.faults:
            parts.append(FAULT_PROXY)
        if self.observability and not self.external_zipkin_endpoint:
            parts.append(ZIPKIN)
        if self.observability and self.prometheus:
            parts.append(PROMETHEUS)
        return (*parts, *self.services())

    def runs(self, part: Part) -> bool:
        return part in self.parts()

    @property
    def zipkin_endpoint(self) -> str:
        """Where the services send their spans (Zipkin v2 JSON); empty: they record spans and export none."""
        if self.external_zipkin_endpoint:
            return self.external_zipkin_endpoint
        if self.runs(ZIPKIN):
            return f"http://127.0.0.1:{self.ports['zipkin']}/api/v2/spans"
        return ""

    def service_url(self, name: str) -> str:
        """Where the parts find a service (its *_SERVICE_URL variable): its first instance, without the fault proxy."""
        return self.service_urls(name)[0]

    def service_urls(self, name: str) -> list[str]:
        """Every instance of a service, as the gateway is told (its *_SERVICE_URL variable, comma-separated); a URL
        set in the environment stands alone (a service run elsewhere)."""
        configured = self.env.get(SERVICE_URL_VARS[name])
        if configured:
            return [configured]
        part = next(p for p in SERVICES if p.name == name)
        return [f"http://127.0.0.1:{self.ports[instance.name]}" for instance in self.instances(part)]

    def child_env(self, part: Part) -> dict[str, str]:
        # An empty variable means "the default" (.env.example), in both languages: leave it out.
        env = {name: value for name, value in self.env.items() if value != ""}
        env["PLATFORM_DATA_DIR"] = str(self.data_dir)
        env["BIND_ADDRESS"] = self.bind_address
        env["REDIS_URL"] = self.redis_url
        for p in SERVICES:
            env[p.port_var] = str(self.ports[p.name])
        if part.is_service:
            # Each instance its own port and id (the kits' default id, <host>-<pid>, changes at every restart).
            own = next((p for p in SERVICES if p.name == part.part_name), part)
            env[own.port_var] = str(self.ports[part.name])
            env["INSTANCE_ID"] = part.instance_id
        for name, var in SERVICE_URL_VARS.items():
            # The gateway balances over every instance; any other part calls the first (one URL: the JWKS).
            env[var] = ",".join(self.service_urls(name)) if part.name == GATEWAY.name else self.service_url(name)
        env["TRACING_ZIPKIN_ENDPOINT"] = self.zipkin_endpoint
        if self.runs(PROMETHEUS):
            # The gateway's admin-only query route (the console's Operations page) asks this Prometheus, unless
            # PROMETHEUS_URL names another; with none, that route answers 503.
            env.setdefault("PROMETHEUS_URL", f"http://127.0.0.1:{self.ports['prometheus']}")
        if self.faults:
            from .faults import proxied_environment  # faults plans its links from these settings

            env.update(proxied_environment(self, part))
        env.update(self.extra_env.get(part.name, {}))
        return env

    @property
    def model_dir(self) -> Path:
        """Where inference-bridge and its worker find the trained model (MODEL_DIR, default <data dir>/models)."""
        return Path(self.env["MODEL_DIR"]) if self.env.get("MODEL_DIR") else self.data_dir / "models"


def load_settings(data_dir: Path | None = None, ports: dict[str, int] | None = None,
                  environ: dict[str, str] | None = None) -> Settings:
    """The developer's instance by default; tests pass their own `environ` (then `.env` is not read)."""
    if environ is None:
        env = {**read_env_file(ROOT / ".env"), **os.environ}
    else:
        env = dict(environ)
    resolved_ports = {}
    for part in PARTS:
        resolved_ports[part.name] = int(env.get(part.port_var) or part.default_port)
    if ports:
        resolved_ports.update(ports)
    base = Path(data_dir or env.get("PLATFORM_DATA_DIR") or ROOT / "var").resolve()
    sampling = env.get("TRACING_SAMPLING_PROBABILITY") or ""
    if sampling and not _is_probability(sampling):
        fail(f"TRACING_SAMPLING_PROBABILITY must be a number from 0.0 to 1.0, got {sampling!r}")
    faults = (env.get("PLATFORM_FAULTS") or "off").strip().lower()
    if faults not in SWITCH_VALUES:
        fail(f"PLATFORM_FAULTS must be on or off, got {faults!r}")
    settings = Settings(
        data_dir=base,
        env=env,
        ports=resolved_ports,
        bind_address=env.get("BIND_ADDRESS") or "127.0.0.1",
        external_redis_url=env.get("REDIS_URL") or None,
        observability=(env.get("PLATFORM_OBSERVABILITY") or "on").strip().lower() not in OBSERVABILITY_OFF,
        external_zipkin_endpoint=env.get("TRACING_ZIPKIN_ENDPOINT") or None,
        faults=SWITCH_VALUES[faults],
    )
    settings.set_scale(parse_scale(env.get("PLATFORM_SCALE") or "", env))
    return settings


def _is_probability(text: str) -> bool:
    try:
        return 0.0 <= float(text) <= 1.0
    except ValueError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_ports() -> dict[str, int]:
    """A free port for every part of the table: an instance beside others (a test platform, a sandbox)."""
    return {part.name: free_port() for part in PARTS}


def clean_environment() -> dict[str, str]:
    """The process environment without any platform variable: an instance started from it (a test platform, a
    sandbox) never reaches the developer's own through a variable of theirs."""
    return {k: v for k, v in os.environ.items() if k not in PLATFORM_VARIABLES}


def port_in_use(port: int) -> bool:
    """True when something listens on the port or it cannot be bound (IPv4 loopback and any address)."""
    for host in ("127.0.0.1", "0.0.0.0"):
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((host, port))
            except OSError:
                return True
    return False
