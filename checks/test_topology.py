"""The platform's topology is declared once, in launcher/config.py (docs/decisions/0027); every other place that
names the parts is held to that declaration here, and a mismatch is reported naming the file and what is missing,
wrong or extra there.

The places: compose.yaml (each part a service with its port, its dependencies, its replicas; the gateway's URL of
each routed service), the gateway's application.yaml (route, breaker, instance list, health path, live API document
and Swagger UI entry of each routed service), its EdgeAccessRules (service-info public, the rest behind a token),
.env.example (ports, URL and replica variables), the Helm chart's parts, the Dockerfiles' copied build files, and the
services table of docs/architecture.md. Compose's Prometheus configuration is generated from the declaration instead
(launcher/tests/test_observability.py holds it to what the generator writes). Each place is read as a file, without
Docker, Go or Helm, so that the tests below can also run on copies with one place broken, and with a part declared
that no place knows yet: both must fail, naming the place.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
import yaml

from launcher.config import (
    GATEWAY,
    PARTS,
    SCALABLE_PARTS,
    SERVICE_URL_VARS,
    SERVICES,
    WAITS_FOR,
    Part,
    compose_replicas_variable,
    read_env_file,
    waits_for,
)
from launcher.new_service import GATEWAY_OWN_PREFIXES, NewService, free_default_port
from launcher.new_service.topology import register

REPO_ROOT = Path(__file__).resolve().parent.parent
COMPOSE = "compose.yaml"
GATEWAY_CONFIG = "gateway/src/main/resources/application.yaml"
EDGE_ACCESS_RULES = "gateway/src/main/java/dev/polyglot/gateway/edge/EdgeAccessRules.java"
ENV_EXAMPLE = ".env.example"
CHART_VALUES = "deploy/helm/polyglot-platform/values.yaml"
ARCHITECTURE = "docs/architecture.md"
DOCKERFILES = {"java": "docker/java.Dockerfile", "python": "docker/python.Dockerfile"}
# What the parts wait for besides each other (WAITS_FOR): compose's backing services.
BACKING_SERVICES = ("redis", "postgres")
LIVE_API_DOCUMENTS = {"java": "/v3/api-docs", "python": "/openapi.json"}


@dataclass(frozen=True)
class Declaration:
    """launcher/config.py's topology, or a changed copy of it (a part added in the declaration only)."""

    services: tuple[Part, ...] = SERVICES
    url_vars: dict[str, str] = field(default_factory=lambda: dict(SERVICE_URL_VARS))

    @property
    def routed(self) -> dict[str, Part]:
        return {part.name: part for part in self.services if part.name in self.url_vars}

    @property
    def scalable(self) -> tuple[Part, ...]:
        return tuple(part for part in self.services if part.name != GATEWAY.name)

    def waits_for(self, part: Part) -> set[str]:
        return set(waits_for(part, tuple(self.url_vars)))


def mapping_problems(where: str, label: str, actual: dict, expected: dict) -> list[str]:
    """What `actual` (a map of the file `where`) lacks, has wrong, or has beyond `expected`, one line each."""
    problems = [f"{where}: {label} has no entry for {name} (expected {value!r})"
                for name, value in expected.items() if name not in actual]
    problems += [f"{where}: {label}.{name} is {actual[name]!r}, not {value!r}"
                 for name, value in expected.items() if name in actual and actual[name] != value]
    problems += [f"{where}: {label} has {name}, which launcher/config.py does not declare"
                 for name in actual if name not in expected]
    return problems


def part_entries(found: dict, declaration: Declaration, missing: str) -> tuple[list[tuple[Part, object]], list[str]]:
    """Each declared part with its entry in `found` (a place's entries by part name), and `missing` (a format with
    one {}: the name) for each part without one."""
    return ([(part, found[part.name]) for part in declaration.services if part.name in found],
            [missing.format(part.name) for part in declaration.services if part.name not in found])


def compose_problems(root: Path, declaration: Declaration) -> list[str]:
    services = yaml.safe_load((root / COMPOSE).read_text())["services"]  # anchors and `<<` merges resolved
    entries, problems = part_entries(services, declaration, f"{COMPOSE}: no service {{}}")
    for part, service in entries:
        port = (service.get("environment") or {}).get(part.port_var)
        if port != str(part.default_port):
            problems.append(f"{COMPOSE}: {part.name}'s environment sets {part.port_var} to {port!r}, not "
                            f"'{part.default_port}'")
        waits = set(service.get("depends_on") or {})
        expected = declaration.waits_for(part)
        problems += [f"{COMPOSE}: {part.name} does not wait for {name} (depends_on)"
                     for name in sorted(expected - waits)]
        problems += [f"{COMPOSE}: {part.name} waits for {name}, which launcher/config.py's WAITS_FOR does not say"
                     for name in sorted(waits - expected)]
        replicas = service.get("deploy", {}).get("replicas")
        if part in declaration.scalable and replicas != f"${{{compose_replicas_variable(part.name)}:-1}}":
            problems.append(f"{COMPOSE}: {part.name} has replicas {replicas!r}, not "
                            f"${{{compose_replicas_variable(part.name)}:-1}}")
        if part not in declaration.scalable and replicas is not None:
            problems.append(f"{COMPOSE}: {part.name} has replicas, and runs once")
    names = {part.name for part in declaration.services}
    problems += [f"{COMPOSE}: service {name} is built here but is no part of launcher/config.py"
                 for name, service in services.items() if "build" in service and name not in names]
    gateway = services.get(GATEWAY.name, {}).get("environment") or {}
    routed_urls = {declaration.url_vars[name]: f"http://{name}:{part.default_port}"
                   for name, part in declaration.routed.items()}
    found_urls = {variable: value for variable, value in gateway.items() if variable.endswith("_SERVICE_URL")
                  or variable in routed_urls}
    return problems + mapping_problems(COMPOSE, "the gateway's environment", found_urls, routed_urls)


def gateway_problems(root: Path, declaration: Declaration) -> list[str]:
    config = yaml.safe_load((root / GATEWAY_CONFIG).read_text())
    routes = config["spring"]["cloud"]["gateway"]["server"]["webflux"]["routes"]
    by_id = {route["id"]: route for route in routes}
    problems = []
    for name, part in declaration.routed.items():
        route, path = by_id.get(name, {}), f"Path={part.public_prefix}/**"
        if route.get("uri") != f"lb://{name}" or path not in route.get("predicates", []):
            problems.append(f"{GATEWAY_CONFIG}: no route for {name} with uri lb://{name} and {path}")
        elif f"CircuitBreaker={name}" not in route.get("filters", []):
            problems.append(f"{GATEWAY_CONFIG}: route {name} has no CircuitBreaker={name} filter")
    problems += [f"{GATEWAY_CONFIG}: route {route['id']} goes to {route['uri']}, which is no routed part of "
                 "launcher/config.py" for route in routes
                 if route["uri"].startswith("lb://") and route["uri"].removeprefix("lb://") not in declaration.routed]
    routed = declaration.routed
    breakers = config["resilience4j"]["circuitbreaker"]["instances"]
    problems += mapping_problems(GATEWAY_CONFIG, "resilience4j.circuitbreaker.instances", breakers,
                                 {name: {"base-config": "default"} for name in routed})
    health_paths = dict(config["spring"]["cloud"]["loadbalancer"]["health-check"]["path"])
    health_paths.pop("default", None)
    problems += mapping_problems(GATEWAY_CONFIG, "spring.cloud.loadbalancer.health-check.path", health_paths,
                                 {name: part.health_path for name, part in routed.items()})
    problems += mapping_problems(GATEWAY_CONFIG, "gateway.services", config["gateway"]["services"], {
        name: f"${{{declaration.url_vars[name]}:http://localhost:${{{part.port_var}:{part.default_port}}}}}"
        for name, part in routed.items()})
    problems += mapping_problems(GATEWAY_CONFIG, "gateway.api-documents.services",
                                 config["gateway"]["api-documents"]["services"],
                                 {name: {"path": LIVE_API_DOCUMENTS[part.kind]} for name, part in routed.items()})
    live = {entry["name"].removeprefix("live: "): entry["url"] for entry in config["springdoc"]["swagger-ui"]["urls"]
            if entry["name"].startswith("live: ")}
    return problems + mapping_problems(GATEWAY_CONFIG, "springdoc.swagger-ui.urls (live: …)", live,
                                       {name: f"/v3/api-docs/{name}" for name in routed})


def path_pattern(pattern: str) -> re.Pattern[str]:
    """A Spring PathPattern of EdgeAccessRules as a regular expression: `*` one segment, a final `/**` any rest."""
    expression = re.escape(pattern).replace(r"/\*\*", "(/.*)?").replace(r"\*", "[^/]+")
    return re.compile(expression + "$")


def edge_access_problems(root: Path, declaration: Declaration) -> list[str]:
    source = (root / EDGE_ACCESS_RULES).read_text()

    def paths(constant: str) -> list[str]:
        found = re.search(rf"{constant} = List\.of\((.*?)\);", source, re.DOTALL)
        return re.findall(r'"([^"]+)"', found.group(1)) if found else []

    public = [path_pattern(path) for path in paths("PUBLIC_PATHS")]
    signed_in = [path_pattern(path) for path in paths("SIGNED_IN_PATHS")]
    # A rule on one service's paths (/api/auth/users: admin only) outlives a change of that service's prefix silently:
    # it would then match nothing, and what it guarded would fall to the next rule.
    prefixes = [*(part.public_prefix for part in declaration.routed.values()), *GATEWAY_OWN_PREFIXES]
    problems = [f"{EDGE_ACCESS_RULES}: {constant} has {path}, under no route prefix of launcher/config.py"
                for constant in ("PUBLIC_PATHS", "ADMIN_PATHS", "ADMIN_POST_PATHS", "SIGNED_IN_PATHS")
                for path in paths(constant)
                if re.match(r"/api/[^*]", path) and not any(path.startswith(f"{prefix}/") for prefix in prefixes)]
    for part in declaration.routed.values():
        service_info, inside = f"{part.public_prefix}/service-info", f"{part.public_prefix}/any/path"
        if not any(p.match(service_info) for p in public):
            problems.append(f"{EDGE_ACCESS_RULES}: {service_info} is not in PUBLIC_PATHS (every service's "
                            "service-info is public)")
        if any(p.match(inside) for p in public) or not any(p.match(inside) for p in signed_in):
            problems.append(f"{EDGE_ACCESS_RULES}: {part.public_prefix}/** is not behind a token (SIGNED_IN_PATHS)")
    return problems


def env_example_problems(root: Path, declaration: Declaration) -> list[str]:
    listed = read_env_file(root / ENV_EXAMPLE)
    parts = [*(p for p in PARTS if p not in SERVICES), *declaration.services]
    expected = {part.port_var: str(part.default_port) for part in parts}
    expected |= {variable: "" for variable in declaration.url_vars.values()}
    expected |= {compose_replicas_variable(part.name): "1" for part in declaration.scalable}
    problems = [f"{ENV_EXAMPLE}: no {variable}={value}" for variable, value in expected.items()
                if variable not in listed]
    return problems + [f"{ENV_EXAMPLE}: {variable}={listed[variable]}, not {variable}={value}"
                       for variable, value in expected.items() if variable in listed and listed[variable] != value]


def chart_problems(root: Path, declaration: Declaration) -> list[str]:
    parts = yaml.safe_load((root / CHART_VALUES).read_text())["parts"]
    entries, problems = part_entries(parts, declaration, f"{CHART_VALUES}: parts has no {{}}")
    for part, values in entries:
        expected = {"language": part.kind, "port": part.default_port, "portVariable": part.port_var,
                    "urlVariable": declaration.url_vars.get(part.name)}
        problems += [f"{CHART_VALUES}: parts.{part.name}.{key} is {values.get(key)!r}, not {value!r}"
                     for key, value in expected.items() if values.get(key) != value]
        if part.name in declaration.routed and "gateway" not in values.get("calledBy", []):
            problems.append(f"{CHART_VALUES}: parts.{part.name}.calledBy lacks the gateway, which routes to it")
    names = {part.name for part in declaration.services}
    return problems + [f"{CHART_VALUES}: parts.{name} is no part of launcher/config.py" for name in parts
                       if name not in names]


def build_file(part: Part) -> str:
    """What the part's Dockerfile copies before resolving dependencies: its Maven module's pom.xml, or its uv
    workspace member's pyproject.toml (inference-bridge's for inference_bridge.worker)."""
    if part.kind == "java":
        return f"{part.module}/pom.xml"
    return f"{part.module.split('.')[0].replace('_', '-')}/pyproject.toml"


def dockerfile_problems(root: Path, declaration: Declaration) -> list[str]:
    problems = []
    for part in declaration.services:
        where, copied = DOCKERFILES[part.kind], build_file(part)
        instruction = f"COPY {copied} {copied.rsplit('/', 1)[0]}/"
        if instruction not in (root / where).read_text().splitlines():
            problems.append(f"{where}: no `{instruction}` for {part.name}")
    return problems


def architecture_problems(root: Path, declaration: Declaration) -> list[str]:
    lines = (root / ARCHITECTURE).read_text().splitlines()
    header = next((i for i, line in enumerate(lines) if line.startswith("| part | language | port |")), None)
    if header is None:
        return [f"{ARCHITECTURE}: no services table (| part | language | port | routed at the gateway | …)"]
    rows = {}
    for line in lines[header + 2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows[cells[0]] = cells
    entries, problems = part_entries(rows, declaration, f"{ARCHITECTURE}: the services table has no row for {{}}")
    for part, row in entries:
        if row[2] != str(part.default_port):
            problems.append(f"{ARCHITECTURE}: {part.name}'s port is {row[2]}, not {part.default_port}")
        routed_at = f"`{part.public_prefix}/**`"
        if part.public_prefix and routed_at not in row[3]:
            problems.append(f"{ARCHITECTURE}: {part.name} is not routed at {routed_at}")
        if not part.public_prefix and "`/api/" in row[3]:
            problems.append(f"{ARCHITECTURE}: {part.name} is said routed at {row[3]}, and has no route")
    known = {part.name for part in (*PARTS, *declaration.services)}
    return problems + [f"{ARCHITECTURE}: the services table has {name}, which launcher/config.py does not declare"
                       for name in rows if name not in known]


PLACES: dict[str, Callable[[Path, Declaration], list[str]]] = {
    COMPOSE: compose_problems,
    GATEWAY_CONFIG: gateway_problems,
    EDGE_ACCESS_RULES: edge_access_problems,
    ENV_EXAMPLE: env_example_problems,
    CHART_VALUES: chart_problems,
    "docker/*.Dockerfile": dockerfile_problems,
    ARCHITECTURE: architecture_problems,
}


# ---- the declaration itself


def test_the_declaration_holds_together() -> None:
    names = [part.name for part in SERVICES]
    assert len(set(names)) == len(names), "a part declared twice"
    ports = [part.default_port for part in PARTS]
    assert len(set(ports)) == len(ports), "two parts on one default port"
    assert set(SERVICE_URL_VARS) == {part.name for part in SERVICES if part.public_prefix}, (
        "a service has a route prefix exactly when the gateway has a URL variable for it")
    prefixes = [part.public_prefix for part in SERVICES if part.public_prefix]
    assert len(set(prefixes)) == len(prefixes), "two services on one route prefix"
    for prefix in prefixes:
        assert re.fullmatch(r"/api/[a-z][a-z0-9-]*", prefix), f"{prefix}: one segment under /api"
        assert prefix not in GATEWAY_OWN_PREFIXES, f"{prefix}: the gateway serves it itself"
    assert GATEWAY is SERVICES[-1] and Declaration().scalable == SCALABLE_PARTS
    for name, waited in WAITS_FOR.items():
        assert name in names, f"WAITS_FOR names no part {name}"
        assert set(waited) <= {*names, *BACKING_SERVICES} - {name}, f"{name} waits for {waited}"


# ---- every place against it


@pytest.mark.parametrize("place", PLACES)
def test_the_place_follows_the_declaration(place: str) -> None:
    assert PLACES[place](REPO_ROOT, Declaration()) == []


# ---- a part declared in launcher/config.py only fails every place, naming it

# A part no place knows (named so that no service made by ./platform new service in this checkout clashes with it).
MADE_UP = Part("made-up-desk", "python", "MADE_UP_DESK_PORT", free_default_port(REPO_ROOT), "/health", "made_up_desk",
               "/api/made-up-desk")
assert MADE_UP.name not in {part.name for part in SERVICES}
WITH_MADE_UP = Declaration((*SERVICES[:-1], MADE_UP, SERVICES[-1]),
                           {**SERVICE_URL_VARS, MADE_UP.name: "MADE_UP_DESK_URL"})
MISSING_MADE_UP = {
    COMPOSE: f"{COMPOSE}: no service made-up-desk",
    GATEWAY_CONFIG: f"{GATEWAY_CONFIG}: no route for made-up-desk with uri lb://made-up-desk and "
                    "Path=/api/made-up-desk/**",
    ENV_EXAMPLE: f"{ENV_EXAMPLE}: no MADE_UP_DESK_PORT={MADE_UP.default_port}",
    CHART_VALUES: f"{CHART_VALUES}: parts has no made-up-desk",
    "docker/*.Dockerfile": "docker/python.Dockerfile: no `COPY made-up-desk/pyproject.toml made-up-desk/` for "
                           "made-up-desk",
    ARCHITECTURE: f"{ARCHITECTURE}: the services table has no row for made-up-desk",
}


@pytest.mark.parametrize("place", sorted(MISSING_MADE_UP))
def test_a_part_declared_but_missing_from_a_place_is_named_there(place: str) -> None:
    assert MISSING_MADE_UP[place] in PLACES[place](REPO_ROOT, WITH_MADE_UP)


def test_a_rule_left_on_a_prefix_no_service_has_is_named() -> None:
    renamed = Declaration(tuple(replace(part, public_prefix="/api/identity") if part.name == "auth-service" else part
                                for part in SERVICES))
    problems = edge_access_problems(REPO_ROOT, renamed)
    assert f"{EDGE_ACCESS_RULES}: ADMIN_PATHS has /api/auth/users, under no route prefix of launcher/config.py" in \
        problems, problems


def test_a_new_service_is_public_at_its_service_info_only() -> None:
    # /api/*/service-info and /api/** cover any one-segment prefix: the access rules need no change for a new service.
    assert edge_access_problems(REPO_ROOT, WITH_MADE_UP) == []
    assert edge_access_problems(REPO_ROOT, Declaration(
        (*SERVICES[:-1], replace(MADE_UP, public_prefix="/api/made-up/desk"), SERVICES[-1]),
        WITH_MADE_UP.url_vars)) == [(f"{EDGE_ACCESS_RULES}: /api/made-up/desk/service-info is not in PUBLIC_PATHS "
                                     "(every service's service-info is public)")]


# ---- ./platform new service gives a new part its place in each, as the checks read them

# What launcher/new_service/topology.py reads and edits (and the access rules, which it leaves as they are).
NEW_SERVICE_TOUCHES = ("launcher", ENV_EXAMPLE, GATEWAY_CONFIG, EDGE_ACCESS_RULES, ARCHITECTURE, "pyproject.toml",
                       "pom.xml", "observability/prometheus/compose/prometheus.yml", "docker", COMPOSE, CHART_VALUES)
# The edited copy's declaration, read by the copy's own launcher (this process holds the table as it was).
READ_DECLARATION = """
import json
from dataclasses import asdict
from launcher.config import SERVICE_URL_VARS, SERVICES
print(json.dumps({"services": [asdict(part) for part in SERVICES], "url_vars": SERVICE_URL_VARS}))
"""


def test_new_service_gives_each_place_what_the_checks_expect(tmp_path: Path) -> None:
    for relative in NEW_SERVICE_TOUCHES:
        source, target = REPO_ROOT / relative, tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "tests", "templates"))
        else:
            shutil.copy2(source, target)
    register(tmp_path, NewService("made-up-desk", "python", free_default_port(tmp_path)))
    register(tmp_path, NewService("made-up-counter", "java", free_default_port(tmp_path)))

    read = subprocess.run([sys.executable, "-c", READ_DECLARATION], cwd=tmp_path, capture_output=True, text=True,
                          check=True, timeout=60)
    declared = json.loads(read.stdout)
    declaration = Declaration(tuple(Part(**part) for part in declared["services"]), declared["url_vars"])

    assert [part.name for part in declaration.services][-3:] == ["made-up-desk", "made-up-counter", "gateway"]
    assert {place: check(tmp_path, declaration) for place, check in PLACES.items()} == {place: [] for place in PLACES}


# ---- one place edited on a copy fails, naming it


def edit_text(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, f"the edit's anchor {old!r} is gone: update this test"
        return text.replace(old, new, 1)
    return edit


def edit_yaml(change: Callable[[dict], None]) -> Callable[[str], str]:
    def edit(text: str) -> str:
        document = yaml.safe_load(text)
        change(document)
        return yaml.safe_dump(document, sort_keys=False)
    return edit


def add_service(name: str, like: str) -> Callable[[dict], None]:
    return lambda compose: compose["services"].update({name: compose["services"][like]})


def set_key(path: tuple[str, ...], value) -> Callable[[dict], None]:
    def change(document: dict) -> None:
        for key in path[:-1]:
            document = document[key]
        if value is None:
            del document[path[-1]]
        else:
            document[path[-1]] = value
    return change


BROKEN_COPIES = {
    "compose-part-removed": (COMPOSE, edit_yaml(set_key(("services", "inference-worker"), None)),
                             f"{COMPOSE}: no service inference-worker"),
    "compose-part-undeclared": (COMPOSE, edit_yaml(add_service("greeting-worker", "inference-worker")),
                                (f"{COMPOSE}: service greeting-worker is built here but is no part of "
                                 "launcher/config.py")),
    "compose-gateway-url": (COMPOSE, edit_yaml(set_key(("services", "gateway", "environment", "REPORTING_SERVICE_URL"),
                                                       "http://reporting-bridge:9999")),
                            (f"{COMPOSE}: the gateway's environment.REPORTING_SERVICE_URL is "
                             "'http://reporting-bridge:9999', not 'http://reporting-bridge:8002'")),
    "compose-dependency": (COMPOSE, edit_yaml(set_key(("services", "reporting-worker", "depends_on",
                                                       "reporting-bridge"), None)),
                           f"{COMPOSE}: reporting-worker does not wait for reporting-bridge (depends_on)"),
    "gateway-route-prefix": (GATEWAY_CONFIG, edit_text("- Path=/api/inference/**", "- Path=/api/infer/**"),
                             (f"{GATEWAY_CONFIG}: no route for inference-bridge with uri lb://inference-bridge and "
                              "Path=/api/inference/**")),
    "gateway-breaker": (GATEWAY_CONFIG, edit_text("      reporting-bridge: { base-config: default }\n", ""),
                        f"{GATEWAY_CONFIG}: resilience4j.circuitbreaker.instances has no entry for reporting-bridge"),
    "gateway-health-path": (GATEWAY_CONFIG,
                            edit_text("          inference-bridge: /health", "          inference-bridge: /"),
                            (f"{GATEWAY_CONFIG}: spring.cloud.loadbalancer.health-check.path.inference-bridge is "
                             "'/', not '/health'")),
    "edge-service-info": (EDGE_ACCESS_RULES, edit_text('"/api/*/service-info", ', ""),
                          f"{EDGE_ACCESS_RULES}: /api/auth/service-info is not in PUBLIC_PATHS"),
    "edge-opened": (EDGE_ACCESS_RULES, edit_text('"/api/gateway/**",', '"/api/gateway/**", "/api/reports/**",'),
                    f"{EDGE_ACCESS_RULES}: /api/reports/** is not behind a token"),
    "env-port": (ENV_EXAMPLE, edit_text("INFERENCE_WORKER_PORT=8011\n", ""),
                 f"{ENV_EXAMPLE}: no INFERENCE_WORKER_PORT=8011"),
    "helm-part-missing": (CHART_VALUES, edit_yaml(set_key(("parts", "reporting-worker"), None)),
                          f"{CHART_VALUES}: parts has no reporting-worker"),
    "helm-port": (CHART_VALUES, edit_yaml(set_key(("parts", "auth-service", "port"), 9081)),
                  f"{CHART_VALUES}: parts.auth-service.port is 9081, not 8081"),
    "architecture-row": (ARCHITECTURE, edit_text("| reporting-bridge | Python 3.11, FastAPI | 8002 |",
                                                 "| reporting-bridge | Python 3.11, FastAPI | 8003 |"),
                         f"{ARCHITECTURE}: reporting-bridge's port is 8003, not 8002"),
    "dockerfile-build-file": ("docker/python.Dockerfile",
                              edit_text("COPY reporting-bridge/pyproject.toml reporting-bridge/\n", ""),
                              ("docker/python.Dockerfile: no `COPY reporting-bridge/pyproject.toml "
                               "reporting-bridge/` for reporting-bridge")),
}


@pytest.mark.parametrize("case", sorted(BROKEN_COPIES))
def test_a_place_edited_on_a_copy_fails_naming_it(case: str, tmp_path: Path) -> None:
    edited, edit, problem = BROKEN_COPIES[case]
    for relative in [COMPOSE, GATEWAY_CONFIG, EDGE_ACCESS_RULES, ENV_EXAMPLE, CHART_VALUES, ARCHITECTURE,
                     *DOCKERFILES.values()]:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / relative, tmp_path / relative)
    (tmp_path / edited).write_text(edit((tmp_path / edited).read_text()))

    problems = [p for check in PLACES.values() for p in check(tmp_path, Declaration())]

    assert any(p.startswith(problem) for p in problems), problems
    assert all(p.startswith(edited) for p in problems), f"only {edited} is named: {problems}"
