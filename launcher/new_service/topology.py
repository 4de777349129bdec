"""Where the platform's topology is written, and the edits that give a new service its place in each.

A service is declared once, in the launcher's table of parts (its port, health, module, route prefix) and the
gateway's URL variables (launcher/config.py; docs/decisions/0027), and written out, held to that declaration by
checks/test_topology.py, in: .env.example (its port and URL variables), the gateway's routes, breaker, service URL,
live API document and Swagger UI entries (gateway/src/main/resources/application.yaml), the services table of
docs/architecture.md, the build (the uv workspace in pyproject.toml, or the Maven modules of pom.xml), its language's
Dockerfile (which copies every member's build file before resolving dependencies), its service in compose.yaml (and
the gateway's URL of it there), its part in the Helm chart's values, and the Prometheus configuration compose uses
(generated from the table). The gateway's access rules need no edit: `/api/*/service-info` is public, the rest of
`/api/**` needs a token. Every edit of a file is one function here. Each edit inserts lines at a marked place or at
the end of a block and leaves the rest of the file byte for byte as it was; an anchor it cannot find is an error
naming the file, never a silent skip.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from ..config import compose_replicas_variable
from ..console import fail

# The line of launcher/config.py's SERVICES before which new services go (the gateway stays last: GATEWAY is
# SERVICES[-1]).
SERVICES_MARKER = ("# ./platform new service adds services above this line (launcher/new_service/topology.py); the "
                   "gateway stays last.")


# The line of compose.yaml before which new services go: after the app services, before the backing ones.
COMPOSE_MARKER = "  # ./platform new service adds services above this line (launcher/new_service/topology.py)."


def register(root: Path, service) -> list[Path]:
    """Every edit for `service` (a launcher.new_service.NewService); returns the files changed, relative to root."""
    edits: list[tuple[str, Callable[[str, object], str]]] = [
        ("launcher/config.py", launcher_table),
        (".env.example", env_example),
        ("gateway/src/main/resources/application.yaml", gateway_routes),
        ("docs/architecture.md", architecture_table),
        ("pyproject.toml" if service.lang == "python" else "pom.xml",
         uv_workspace if service.lang == "python" else maven_modules),
        (f"docker/{service.lang}.Dockerfile", dockerfile_build_files),
        ("compose.yaml", compose_service),
        ("deploy/helm/polyglot-platform/values.yaml", chart_part),
    ]
    changed = []
    for relative, edit in edits:
        path = root / relative
        path.write_text(edit(path.read_text(), service))
        changed.append(Path(relative))
    # Generated from the table just edited, in a new interpreter (this one holds the table as it was).
    compose_config = Path("observability/prometheus/compose/prometheus.yml")
    result = subprocess.run([sys.executable, "-m", "launcher.observability", "--compose"], cwd=root,
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        fail(f"regenerating {compose_config} failed: {result.stderr}")
    (root / compose_config).write_text(result.stdout)
    return [*changed, compose_config]


# -- one function per file ------------------------------------------------------------------------------------------


def launcher_table(text: str, service) -> str:
    """A Part in SERVICES (above the marker, the gateway last) and the gateway's URL variable in SERVICE_URL_VARS."""
    liveness = ", JAVA_LIVENESS_PATH" if service.lang == "java" else ""
    head = f'    Part("{service.name}", "{service.lang}", "{service.port_var}", {service.port}, "{service.health_path}",'
    tail = f'"{service.module}", "{service.api_prefix}"{liveness}),'
    # One line when it fits the launcher's 120 columns, else two, as the table's own long rows are.
    part = [f"{head} {tail}"] if len(head) + 1 + len(tail) <= 120 else [head, f"         {tail}"]
    text = insert_before_line(text, SERVICES_MARKER, part, "launcher/config.py")
    return insert_at_block_end(text, ["SERVICE_URL_VARS = {"], [f'    "{service.name}": "{service.url_var}",'],
                               "launcher/config.py", closing="}")


def env_example(text: str, service) -> str:
    """Its port in the ports section, its URL in the section of the services' URLs, its compose replicas in the
    scaling section."""
    text = insert_at_block_end(text, ["# --- Scaling (docs/operations.md#several-instances-of-a-part) ---"],
                               [f"{compose_replicas_variable(service.name)}=1"], ".env.example", paragraph=True)
    text = insert_before_line(text, "# Port of the Redis that ./platform up starts (ignored when REDIS_URL is set)",
                              [f"# {service.name} (made by ./platform new service)", f"{service.port_var}={service.port}"],
                              ".env.example")
    return insert_at_block_end(text, ["# --- Where the gateway finds the services (default http://127.0.0.1:<port>) ---"],
                               [f"{service.url_var}="], ".env.example",
                               paragraph=True)


def gateway_routes(text: str, service) -> str:
    """A route to its instances (lb://) with its breaker and GET retry, the breaker's instance, the health path the
    gateway polls when the service has several instances, the service's URL (one, or a comma-separated list: one per
    instance), its live API document, and the contract's and live document's entries in Swagger UI."""
    where = "gateway/src/main/resources/application.yaml"
    route = [
        f"            - id: {service.name}",
        f"              uri: lb://{service.name}",
        "              predicates:",
        f"                - Path={service.api_prefix}/**",
        "              metadata:",
        "                response-timeout: 10000",
        "              filters:",
        f"                - CircuitBreaker={service.name}",
        "                - *get-retry",
    ]
    text = insert_before_line(text, "            - id: prometheus", route, where)
    text = insert_at_block_end(text, ["resilience4j:", "  circuitbreaker:", "    instances:"],
                               [f"      {service.name}: {{ base-config: default }}"], where)
    text = insert_at_block_end(text, ["spring:", "  cloud:", "    loadbalancer:", "      health-check:", "        path:"],
                               [f"          {service.name}: {service.health_path}"], where)
    text = insert_at_block_end(text, ["gateway:", "  services:"],
                               [f"    {service.name}: ${{{service.url_var}:http://localhost:${{{service.port_var}:{service.port}}}}}"],
                               where)
    document = "/v3/api-docs" if service.lang == "java" else "/openapi.json"
    text = insert_at_block_end(text, ["gateway:", "  api-documents:", "    services:"],
                               [f"      {service.name}: {{ path: {document} }}"],
                               where)
    text = insert_after_last(text, re.escape('      - { name: "contract: '),
                             f'      - {{ name: "contract: {service.contract}", url: /contracts/openapi/{service.contract}.yaml }}',
                             where)
    return insert_after_last(text, re.escape('      - { name: "live: '),
                             f'      - {{ name: "live: {service.name}", url: /v3/api-docs/{service.name} }}', where)


def architecture_table(text: str, service) -> str:
    """A row of the services table, after the last service's and before the workers' and backing parts' rows."""
    language = "Java 17, Spring Boot 4 (MVC)" if service.lang == "java" else "Python 3.11, FastAPI"
    metrics = "/actuator/prometheus" if service.lang == "java" else "/metrics"
    health = "/actuator/health" if service.lang == "java" else "/health"
    row = (f"| {service.name} | {language} | {service.port} | `{service.api_prefix}/**` | `{health}` | `{metrics}` |")
    return insert_before_line(text, "| inference-worker |", [row], "docs/architecture.md", prefix=True)


def uv_workspace(text: str, service) -> str:
    """A workspace member, a dependency of the root (so `uv sync` installs it), its source, and its tests in
    pytest's testpaths (so `./platform test python` runs them)."""
    where = "pyproject.toml"
    members = re.search(r'^members = \[(.*)\]$', text, re.MULTILINE)
    if not members:
        fail(f"{where}: no one-line `members = [...]` in [tool.uv.workspace]")
    text = text[:members.end(1)] + f', "{service.name}"' + text[members.end(1):]
    text = insert_at_block_end(text, ["dependencies = ["], [f'    "{service.name}",'], where, closing="]")
    text = insert_at_block_end(text, ["[tool.uv.sources]"], [f"{service.name} = {{ workspace = true }}"], where,
                               paragraph=True)
    return insert_at_block_end(text, ["testpaths = ["], [f'    "{service.name}/tests",'], where, closing="]")


def maven_modules(text: str, service) -> str:
    """A module of the root pom (built and tested with the others)."""
    return insert_before_line(text, "    </modules>", [f"        <module>{service.name}</module>"], "pom.xml")


def dockerfile_build_files(text: str, service) -> str:
    """Its pyproject.toml (Python) or pom.xml (Java) copied with the other members' before the dependencies are
    resolved: `uv sync --frozen` and Maven read the whole workspace or reactor, and fail on a member they cannot find."""
    build_file = "pyproject.toml" if service.lang == "python" else "pom.xml"
    return insert_after_last(text, rf"COPY \S+/{re.escape(build_file)} \S+/$",
                             f"COPY {service.name}/{build_file} {service.name}/", f"docker/{service.lang}.Dockerfile")


def compose_service(text: str, service) -> str:
    """Its service, as the others of its language are written (its Dockerfile's build args from the launcher's table,
    the shared environment, a healthcheck on its readiness endpoint, a memory limit, Redis healthy first), and the
    gateway's URL of it and its wait for it."""
    where = "compose.yaml"
    port = service.port
    if service.lang == "java":
        args = [f"        SERVICE: {service.name}", f'        PORT: "{port}"']
        probe = ["        - bash", "        - -c", "        - >-", f"          exec 3<>/dev/tcp/127.0.0.1/{port}",
                 "          && printf 'GET /actuator/health/readiness HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: "
                 "close\\r\\n\\r\\n' >&3",
                 "          && head -n 1 <&3 | grep -q '^HTTP/1\\.[01] 200'"]
        memory = "640m"
    else:
        args = [f"        SERVICE: {service.name}", f"        MODULE: {service.package}", f'        PORT: "{port}"']
        probe = ["        - python", "        - -c",
                 f"        - import urllib.request; urllib.request.urlopen('http://127.0.0.1:{port}/health', timeout=4)"]
        memory = "512m"
    block = [
        f"  {service.name}:", "    <<: *app-service", "    build:", f"      <<: *{service.lang}-build", "      args:", *args,
        "    environment:", "      <<: *app-environment", f'      {service.port_var}: "{port}"',
        "    healthcheck:", f"      <<: *{service.lang}-healthcheck", "      test:", "        - CMD", *probe,
        "    deploy:", f"      replicas: ${{{compose_replicas_variable(service.name)}:-1}}", "      resources:",
        "        limits:", f"          memory: {memory}",
        "    depends_on:", "      redis:", "        condition: service_healthy", "",
    ]
    text = insert_before_line(text, COMPOSE_MARKER, block, where)
    text = insert_at_block_end(text, ["services:", "  gateway:", "    environment:"],
                               [f"      {service.url_var}: http://{service.name}:{port}"], where)
    return insert_at_block_end(text, ["services:", "  gateway:", "    depends_on:"],
                               [f"      {service.name}:", "        condition: service_healthy"], where)


def chart_part(text: str, service) -> str:
    """Its part in the chart's values (reachable from the gateway only, one replica, the requests and limits of the
    smallest part of its language until it is measured: values.yaml says how the others were), and its place among
    auth-service's callers."""
    requests, limits = (("{cpu: 100m, memory: 320Mi}", "{memory: 640Mi}") if service.lang == "java"
                        else ("{cpu: 100m, memory: 256Mi}", "{memory: 512Mi}"))
    part = [
        f"  {service.name}:", f"    language: {service.lang}", f"    port: {service.port}",
        f"    portVariable: {service.port_var}", f"    urlVariable: {service.url_var}", "    calledBy: [gateway]",
        "    replicas: 1", "    resources:", f"      requests: {requests}", f"      limits: {limits}",
    ]
    where = "deploy/helm/polyglot-platform/values.yaml"
    text = insert_at_block_end(text, ["parts:"], part, where)
    # It checks tokens with auth-service's keys: auth-service's NetworkPolicy admits it.
    callers = re.compile(r"^(  auth-service:\n(?:    .*\n)*?    calledBy: \[[^\]]*)\]", re.MULTILINE)
    if not callers.search(text):
        fail(f"{where}: no calledBy list under parts > auth-service")
    return callers.sub(lambda found: f"{found.group(1)}, {service.name}]", text, count=1)


# -- how lines are inserted -----------------------------------------------------------------------------------------


def insert_before_line(text: str, anchor: str, new_lines: list[str], where: str, prefix: bool = False) -> str:
    """`new_lines` before the first line equal to `anchor` (or starting with it, `prefix`), stripped of its line end."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        content = line.rstrip("\n")
        if content.strip() == anchor.strip() or (prefix and content.startswith(anchor)):
            return "".join([*lines[:index], *(f"{new}\n" for new in new_lines), *lines[index:]])
    fail(f"{where}: no line {anchor!r} to insert before (was it edited by hand?)")


def insert_after_last(text: str, start: str, new_line: str, where: str) -> str:
    """`new_line` after the last line that starts with the regular expression `start`."""
    lines = text.splitlines(keepends=True)
    found = [index for index, line in enumerate(lines) if re.match(start, line)]
    if not found:
        fail(f"{where}: no line starting with {start!r}")
    return "".join([*lines[:found[-1] + 1], f"{new_line}\n", *lines[found[-1] + 1:]])


def insert_at_block_end(text: str, headers: list[str], new_lines: list[str], where: str, closing: str = "",
                        paragraph: bool = False) -> str:
    """`new_lines` at the end of the block under the last of `headers` (each header a whole line, found in order
    after the previous one): before the `closing` line when given; with `paragraph`, before the next blank line;
    else after the block's last line more indented than its header (a blank line, or a line as little indented as
    the header, ends it)."""
    lines = text.splitlines(keepends=True)
    index = 0
    for header in headers:
        while index < len(lines) and lines[index].rstrip("\n") != header:
            index += 1
        if index == len(lines):
            fail(f"{where}: no block {' > '.join(headers)!r} (was it edited by hand?)")
        index += 1
    indent = len(headers[-1]) - len(headers[-1].lstrip())
    end = index
    while end < len(lines):
        content = lines[end].rstrip("\n")
        if closing and content.strip() == closing:
            break
        if paragraph and not content.strip():
            break
        if not closing and not paragraph and (not content.strip() or len(content) - len(content.lstrip()) <= indent):
            break
        end += 1
    if closing and end == len(lines):
        fail(f"{where}: the block {headers[-1]!r} has no closing {closing!r}")
    return "".join([*lines[:end], *(f"{new}\n" for new in new_lines), *lines[end:]])
