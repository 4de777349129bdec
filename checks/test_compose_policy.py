"""Platform rules for compose.yaml, checked on the project as Docker Compose resolves it
(`compose_project`: interpolated, anchors merged, sizes and durations normalised). Which services there are, their
ports, dependencies and replicas, and the gateway's URL of each are held to launcher/config.py's declaration by
test_topology.py."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from launcher.config import COMPOSE_REPLICAS_VARIABLES
from launcher.config import SERVICES as LAUNCHER_SERVICES

# The app services are the launcher's parts (a new service comes with its compose service: launcher/new_service),
# each with the variable that sets its port.
APP_SERVICES = {part.name: part.port_var for part in LAUNCHER_SERVICES}
JAVA_SERVICES = {part.name for part in LAUNCHER_SERVICES if part.kind == "java"}
BACKING_SERVICES = ("redis", "postgres")
# Operators' tools: not app services (images, nothing depends on them), their UIs published on loopback only.
OBSERVABILITY_SERVICES = {"zipkin": 9411, "prometheus": 9090, "grafana": 3000}
ALL_SERVICES = sorted([*APP_SERVICES, *BACKING_SERVICES, *OBSERVABILITY_SERVICES])
# The parts ./platform up --scale runs several of (launcher/config.py): each takes `deploy.replicas` from the host,
# ${<PART>_REPLICAS:-1}; the others run once.
SCALABLE_SERVICES = COMPOSE_REPLICAS_VARIABLES
ZIPKIN_ENDPOINT = "http://zipkin:9411/api/v2/spans"

# One Dockerfile per language; each service passes its part of the launcher's table as build args.
LANGUAGE_DOCKERFILES = {"java": "docker/java.Dockerfile", "python": "docker/python.Dockerfile"}
LAUNCHER_PARTS = {part.name: part for part in LAUNCHER_SERVICES}
# inference-bridge and its worker refuse to start without the ETA model; ./platform up trains it the same way.
MODEL_TRAINER = "inference_bridge.domain.model.train"
MODEL_SERVICES = ("inference-bridge", "inference-worker")

# ${NAME}, ${NAME:-default}, ${NAME:?error} but not $${NAME} (escaped: resolved in the container).
INTERPOLATED_VARIABLE = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)")
ENV_EXAMPLE_ENTRY = re.compile(r"^\s*#?\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=", re.MULTILINE)


@pytest.fixture(scope="module")
def services(compose_project: dict) -> dict:
    return compose_project["services"]


@pytest.fixture(scope="module")
def documented_variables(repo_root: Path) -> set[str]:
    env_example = repo_root / ".env.example"
    if not env_example.is_file():
        pytest.fail(".env.example is missing: it must list every variable compose.yaml uses", pytrace=False)
    # A commented-out `# NAME=` line documents an optional variable; it counts as listed.
    return set(ENV_EXAMPLE_ENTRY.findall(env_example.read_text()))


def healthcheck_command(service: dict) -> str:
    test = service.get("healthcheck", {}).get("test") or []
    return " ".join(test)


def test_the_platform_services_are_exactly_these(services: dict) -> None:
    assert sorted(services) == ALL_SERVICES


@pytest.mark.parametrize("name", ALL_SERVICES)
def test_every_service_has_a_memory_limit(services: dict, name: str) -> None:
    service = services[name]
    deploy_limit = service.get("deploy", {}).get("resources", {}).get("limits", {}).get("memory")
    assert deploy_limit or service.get("mem_limit"), f"{name}: set deploy.resources.limits.memory"


@pytest.mark.parametrize("name", ALL_SERVICES)
def test_every_service_has_a_healthcheck(services: dict, name: str) -> None:
    healthcheck = services[name].get("healthcheck", {})
    assert not healthcheck.get("disable"), f"{name}: healthcheck disabled"
    test = healthcheck.get("test") or []
    assert test and test[0] in ("CMD", "CMD-SHELL"), f"{name}: healthcheck.test must run a command"


@pytest.mark.parametrize("name", ALL_SERVICES)
def test_every_service_has_a_restart_policy(services: dict, name: str) -> None:
    assert services[name].get("restart") in ("unless-stopped", "always", "on-failure")


@pytest.mark.parametrize("name", ALL_SERVICES)
def test_dependencies_wait_until_healthy(services: dict, name: str) -> None:
    for dependency, spec in services[name].get("depends_on", {}).items():
        assert spec["condition"] == "service_healthy", f"{name} -> {dependency}: use condition: service_healthy"


def test_only_the_gateway_publishes_a_port_and_it_is_8080(services: dict) -> None:
    """The gateway is the one public door. The operators' UIs (traces, Prometheus, Grafana) have no authentication in
    front of them: published too, for the person at this machine, but on the loopback interface only."""
    publishing = {name for name, service in services.items() if service.get("ports")}
    assert publishing == {"gateway", *OBSERVABILITY_SERVICES}
    (port,) = services["gateway"]["ports"]
    assert (port["target"], str(port["published"])) == (8080, "8080")
    for name, ui_port in OBSERVABILITY_SERVICES.items():
        (port,) = services[name]["ports"]
        assert (port["target"], str(port["published"]), port.get("host_ip")) == (ui_port, str(ui_port), "127.0.0.1"), name


def scaling_problems(services: dict) -> list[str]:
    """What keeps a service from running as replicas, or scales one that must run once."""
    problems = []
    for name, service in services.items():
        if "replicas" not in service.get("deploy", {}):
            continue
        if name not in SCALABLE_SERVICES:
            problems.append(f"{name}: replicas on a service that runs once (scalable: {', '.join(SCALABLE_SERVICES)})")
        if service.get("ports"):
            problems.append(f"{name}: a published port, which one replica only can hold")
        if service.get("container_name"):
            problems.append(f"{name}: a container_name, which one replica only can have")
    return problems


def test_nothing_pins_a_scaled_service_to_one_container(services: dict) -> None:
    assert scaling_problems(services) == []


@pytest.mark.parametrize(("name", "change", "problem"), [
    ("gateway", {"deploy": {"replicas": 2}}, "gateway: replicas on a service that runs once"),
    ("redis", {"deploy": {"replicas": 1}}, "redis: replicas on a service that runs once"),
    ("inference-worker", {"ports": [{"target": 8011, "published": "8011"}]}, "inference-worker: a published port"),
    ("notification-service", {"container_name": "notifications"}, "notification-service: a container_name"),
])
def test_scaling_problems_are_found(services: dict, name: str, change: dict, problem: str) -> None:
    changed = {**services, name: {**services[name], **change}}
    if name in SCALABLE_SERVICES and "deploy" not in change:
        assert "replicas" in changed[name]["deploy"], "the scaled service keeps its replicas"
    assert any(p.startswith(problem) for p in scaling_problems(changed)), scaling_problems(changed)


@pytest.mark.parametrize(("name", "variable"), sorted(SCALABLE_SERVICES.items()))
def test_scalable_services_take_their_replicas_from_the_host(repo_root: Path, services: dict, documented_variables:
                                                              set[str], name: str, variable: str) -> None:
    raw = yaml.safe_load((repo_root / "compose.yaml").read_text())["services"][name]
    assert raw["deploy"]["replicas"] == f"${{{variable}:-1}}"
    assert services[name]["deploy"]["replicas"] == 1, "one replica when the host sets nothing"
    assert variable in documented_variables


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_app_services_are_built_from_their_languages_dockerfile(repo_root: Path, services: dict, name: str) -> None:
    build = services[name]["build"]
    dockerfile = LANGUAGE_DOCKERFILES[LAUNCHER_PARTS[name].kind]
    assert Path(build["context"]) == repo_root, "build context must be the repository root"
    assert build["dockerfile"] == dockerfile
    assert (repo_root / dockerfile).is_file()


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_build_args_are_the_launchers_part(services: dict, name: str) -> None:
    """SERVICE, MODULE and PORT say what launcher/config.py says of the same part (the port the service reads too)."""
    args = services[name]["build"]["args"]
    part = LAUNCHER_PARTS[name]
    port = str(part.default_port)
    assert services[name]["environment"][part.port_var] == port
    if part.kind == "java":
        assert args == {"SERVICE": part.module, "PORT": port}
        return
    # SERVICE is the uv workspace member that holds the module: inference-bridge for inference_bridge.worker.
    member = part.module.split(".")[0].replace("_", "-")
    expected = {"SERVICE": member, "MODULE": part.module, "PORT": port}
    if name in MODEL_SERVICES:
        expected["MODEL_TRAINER"] = MODEL_TRAINER
    assert args == expected


@pytest.mark.parametrize("name", [*BACKING_SERVICES, *OBSERVABILITY_SERVICES])
def test_backing_service_images_are_pinned(services: dict, name: str) -> None:
    image = services[name]["image"]
    repository, _, tag = image.rpartition(":")
    assert repository and tag and tag != "latest", f"{name}: pin an image tag, got {image!r}"


@pytest.mark.parametrize(("name", "port_variable"), sorted(APP_SERVICES.items()))
def test_app_environment_follows_the_spec(services: dict, name: str, port_variable: str) -> None:
    environment = services[name]["environment"]
    assert environment["LOG_FORMAT"] == "json"
    assert environment["BIND_ADDRESS"] == "0.0.0.0"
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert environment["TRACING_ZIPKIN_ENDPOINT"] == ZIPKIN_ENDPOINT
    assert environment[port_variable].isdigit(), f"{name}: set {port_variable}"
    # Where the service fetches the keys it checks tokens with: auth-service's container, not its own loopback.
    auth_port = services["auth-service"]["environment"]["AUTH_PORT"]
    assert environment["AUTH_SERVICE_URL"] == f"http://auth-service:{auth_port}"


@pytest.mark.parametrize(("name", "port_variable"), sorted(APP_SERVICES.items()))
def test_healthcheck_probes_the_readiness_endpoint_on_the_service_port(
    services: dict, name: str, port_variable: str
) -> None:
    command = healthcheck_command(services[name])
    port = services[name]["environment"][port_variable]
    if name in JAVA_SERVICES:
        assert f"/dev/tcp/127.0.0.1/{port} " in command
        assert "GET /actuator/health/readiness " in command
    else:
        assert f"http://127.0.0.1:{port}/health'" in command


def test_auth_service_uses_the_postgres_service(services: dict) -> None:
    url = urlsplit(services["auth-service"]["environment"]["AUTH_DATABASE_URL"])
    postgres = services["postgres"]["environment"]
    assert (url.scheme, url.hostname, url.port) == ("postgresql", "postgres", 5432)
    assert url.username == postgres["POSTGRES_USER"]
    assert url.password == postgres["POSTGRES_PASSWORD"], "the two password expressions disagree"
    assert url.path == "/" + postgres["POSTGRES_DB"]


def test_admin_credentials_come_from_the_host_and_default_to_empty(repo_root: Path, services: dict) -> None:
    environment = services["auth-service"]["environment"]
    # Loaded with no ADMIN_* in the environment: nothing is baked into the file.
    assert environment["ADMIN_EMAIL"] == "" and environment["ADMIN_PASSWORD"] == ""
    raw = (repo_root / "compose.yaml").read_text()
    assert "${ADMIN_EMAIL:-}" in raw and "${ADMIN_PASSWORD:-}" in raw


def test_redis_keeps_streams_across_restarts(services: dict) -> None:
    redis = services["redis"]
    command = redis["command"]
    assert "--appendonly" in command and command[command.index("--appendonly") + 1] == "yes"
    assert any(volume["target"] == "/data" and volume["type"] == "volume" for volume in redis["volumes"])


def test_postgres_keeps_its_data_and_reports_readiness(services: dict) -> None:
    postgres = services["postgres"]
    assert any(v["target"] == "/var/lib/postgresql/data" and v["type"] == "volume" for v in postgres["volumes"])
    assert "pg_isready" in healthcheck_command(postgres)


def test_every_app_environment_variable_is_documented(services: dict, documented_variables: set[str]) -> None:
    used = {variable for name in APP_SERVICES for variable in services[name]["environment"]}
    undocumented = sorted(used - documented_variables)
    assert undocumented == [], "add these to .env.example"


def test_every_variable_read_from_the_host_is_documented(repo_root: Path, documented_variables: set[str]) -> None:
    interpolated = set(INTERPOLATED_VARIABLE.findall((repo_root / "compose.yaml").read_text()))
    undocumented = sorted(interpolated - documented_variables)
    assert undocumented == [], "add these to .env.example"


def test_zipkin_keeps_spans_in_memory_and_bounded(services: dict) -> None:
    environment = services["zipkin"]["environment"]
    assert environment["STORAGE_TYPE"] == "mem" and int(environment["MEM_MAX_SPANS"]) > 0
    assert "-Xmx" in environment["JAVA_OPTS"]


def test_prometheus_scrapes_every_part_with_the_committed_rules(repo_root: Path, services: dict) -> None:
    prometheus = services["prometheus"]
    mounts = {volume["target"]: volume for volume in prometheus["volumes"]}
    config_mount = mounts["/etc/prometheus/prometheus.yml"]
    assert Path(config_mount["source"]) == repo_root / "observability" / "prometheus" / "compose" / "prometheus.yml"
    assert Path(mounts["/etc/prometheus/rules"]["source"]) == repo_root / "observability" / "prometheus" / "rules"
    assert mounts["/prometheus"]["type"] == "volume"
    config = yaml.safe_load(Path(config_mount["source"]).read_text())
    targets = {job["job_name"]: job["static_configs"][0]["targets"] for job in config["scrape_configs"]}
    scraped = {name for name in services if name not in ("redis", "postgres", "grafana")}
    assert set(targets) == scraped, "every app service, Zipkin and Prometheus itself"
    for name in APP_SERVICES:
        assert targets[name] == [f"{name}:{services[name]['environment'][APP_SERVICES[name]]}"]
    assert config["rule_files"] == ["/etc/prometheus/rules/*.rules.yml"]


def test_grafana_is_provisioned_with_prometheus_and_the_dashboards(repo_root: Path, services: dict) -> None:
    grafana = services["grafana"]
    mounts = {volume["target"]: Path(volume["source"]) for volume in grafana["volumes"] if volume["type"] == "bind"}
    provisioning = mounts["/etc/grafana/provisioning"]
    assert provisioning == repo_root / "observability" / "grafana" / "provisioning"
    (datasource,) = yaml.safe_load((provisioning / "datasources" / "prometheus.yml").read_text())["datasources"]
    assert (datasource["uid"], datasource["url"]) == ("prometheus", "http://prometheus:9090")
    (provider,) = yaml.safe_load((provisioning / "dashboards" / "platform.yml").read_text())["providers"]
    assert mounts[provider["options"]["path"]] == repo_root / "observability" / "grafana" / "dashboards"
    assert "prometheus" in grafana["depends_on"]
