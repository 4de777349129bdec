"""`./platform new service`: names it refuses (exit 2, a reason, nothing written), and what it writes and edits, in a
copy of the files it touches. Building and starting what it made, through the gateway:
launcher/end_to_end (the examples suite)."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from launcher.__main__ import main
from launcher.config import ROOT
from launcher.new_service import USAGE_ERROR, NewService, ServiceTemplate, create, name_problem

# What create() reads and edits, and what it runs (python -m launcher.observability --compose, in the copy).
TOUCHED = ("launcher", ".env.example", "gateway/src/main/resources/application.yaml", "docs/architecture.md",
           "pyproject.toml", "pom.xml", "observability/prometheus/compose/prometheus.yml", "contracts/openapi",
           "docker", "compose.yaml", "deploy/helm/polyglot-platform/values.yaml")


@pytest.mark.parametrize(("name", "reason"), [
    ("Greeting", "is not a service name"),
    ("greeting_service", "is not a service name"),
    ("greeting--service", "is not a service name"),
    ("-greeting", "is not a service name"),
    ("greeting-", "is not a service name"),
    ("9lives", "is not a service name"),
    ("ab", "is 2 characters long"),
    ("a" * 31, "is 31 characters long"),
    ("gateway", "is already a part of the platform"),
    ("reporting-worker", "is already a part of the platform"),
    ("launcher", "is taken"),
    ("reports", "which the gateway already routes elsewhere"),
    ("operations", "which the gateway already routes elsewhere"),
    ("service-kit", "would make a Python package 'service_kit'"),
    ("json", "would make a Python package 'json'"),
    ("reporting", "contracts/openapi/reporting.yaml exists"),
    ("auth-database", "AUTH_DATABASE_URL"),
    ("static", "reserved word 'static'"),
])
def test_a_bad_name_is_refused_with_its_reason_and_nothing_is_written(name: str, reason: str, capsys):
    before = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert main(["new", "service", "--lang", "python", "--", name]) == USAGE_ERROR
    assert reason in capsys.readouterr().err
    assert subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True).stdout == before


def test_a_language_without_templates_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["new", "service", "greeting-service", "--lang", "ruby"])
    assert exit_.value.code == USAGE_ERROR
    assert "invalid choice: 'ruby'" in capsys.readouterr().err


def test_a_good_name_has_no_problem():
    assert name_problem("greeting-service") is None


def test_a_template_placeholder_that_is_not_one_is_an_error():
    assert ServiceTemplate("port: ${{port}}").substitute(port="8020") == "port: $8020"
    with pytest.raises(ValueError, match="Invalid placeholder"):
        ServiceTemplate("port: {{Port-Var}}").substitute(port="8020")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for relative in TOUCHED:
        source, target = ROOT / relative, tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "tests"))
        else:
            shutil.copy2(source, target)
    return tmp_path


def test_each_language_gets_its_files_and_a_place_in_every_declaration(root: Path):
    python = create("greeting-desk", "python", root)
    java = create("greeting-counter", "java", root)
    assert (python.port, java.port) == (8020, 8021), "each its own default port"

    written = [p for p in (root / "greeting-desk").rglob("*")] + [p for p in (root / "greeting-counter").rglob("*")]
    assert {p.relative_to(root).as_posix() for p in written if p.is_file()} >= {
        "greeting-desk/pyproject.toml", "greeting-desk/src/greeting_desk/app.py",
        "greeting-desk/tests/test_greeting_desk.py", "greeting-desk/README.md", "greeting-counter/pom.xml",
        "greeting-counter/src/main/java/dev/polyglot/greetingcounter/HelloController.java",
        "greeting-counter/src/test/java/dev/polyglot/greetingcounter/GreetingCounterApplicationTest.java",
        "greeting-counter/src/main/resources/application.yaml", "greeting-counter/README.md"}
    for path in [*written, root / "contracts/openapi/greetingdesk.yaml", root / "contracts/openapi/greetingcounter.yaml"]:
        if path.is_file():
            assert "{{" not in path.read_text(), f"{path}: a placeholder left"
    contract = yaml.safe_load((root / "contracts/openapi/greetingcounter.yaml").read_text())
    assert set(contract["paths"]) == {"/api/greeting-counter/service-info", "/api/greeting-counter/hello"}
    assert contract["paths"]["/api/greeting-counter/hello"]["get"]["security"] == [{"bearer_auth": []}]

    before = set((ROOT / "launcher/config.py").read_text().splitlines())
    config = (root / "launcher/config.py").read_text()
    assert config.index('Part("greeting-desk", "python", "GREETING_DESK_PORT", 8020') < config.index('Part("gateway"')
    assert '"greeting-counter": "GREETING_COUNTER_URL",' in config
    assert max(len(line) for line in set(config.splitlines()) - before) <= 120, "the launcher's line length"
    env = (root / ".env.example").read_text()
    assert "GREETING_DESK_PORT=8020\n" in env and "GREETING_COUNTER_URL=\n" in env
    assert "REPORTING_WORKER_REPLICAS=1\nGREETING_DESK_REPLICAS=1\nGREETING_COUNTER_REPLICAS=1\n" in env

    gateway = yaml.safe_load((root / "gateway/src/main/resources/application.yaml").read_text())
    routes = {route["id"]: route for route in gateway["spring"]["cloud"]["gateway"]["server"]["webflux"]["routes"]}
    assert routes["greeting-counter"]["uri"] == "lb://greeting-counter", "balanced over its instances"
    assert routes["greeting-counter"]["predicates"] == ["Path=/api/greeting-counter/**"]
    assert routes["greeting-counter"]["filters"][0] == "CircuitBreaker=greeting-counter"
    assert routes["greeting-counter"]["filters"][1] == routes["auth-service"]["filters"][1], "the shared GET retry"
    assert "greeting-desk" in gateway["resilience4j"]["circuitbreaker"]["instances"]
    assert gateway["gateway"]["services"]["greeting-desk"] == \
        "${GREETING_DESK_URL:http://localhost:${GREETING_DESK_PORT:8020}}"
    assert gateway["gateway"]["api-documents"]["services"]["greeting-counter"] == {"path": "/v3/api-docs"}
    health_paths = gateway["spring"]["cloud"]["loadbalancer"]["health-check"]["path"]
    assert health_paths["greeting-counter"] == "/actuator/health/readiness" and health_paths["greeting-desk"] == "/health"
    urls = [entry["url"] for entry in gateway["springdoc"]["swagger-ui"]["urls"]]
    assert "/contracts/openapi/greetingdesk.yaml" in urls and "/v3/api-docs/greeting-counter" in urls

    workspace = tomllib.loads((root / "pyproject.toml").read_text())
    assert "greeting-desk" in workspace["tool"]["uv"]["workspace"]["members"]
    assert "greeting-desk" in workspace["project"]["dependencies"]
    assert workspace["tool"]["uv"]["sources"]["greeting-desk"] == {"workspace": True}
    assert "greeting-desk/tests" in workspace["tool"]["pytest"]["ini_options"]["testpaths"]
    assert "<module>greeting-counter</module>" in (root / "pom.xml").read_text()
    assert "| greeting-counter | Java 17" in (root / "docs/architecture.md").read_text()
    assert 'targets: ["greeting-desk:8020"]' in (root / "observability/prometheus/compose/prometheus.yml").read_text()

    assert "COPY greeting-desk/pyproject.toml greeting-desk/\n" in (root / "docker/python.Dockerfile").read_text()
    assert "COPY greeting-counter/pom.xml greeting-counter/\n" in (root / "docker/java.Dockerfile").read_text()
    compose = yaml.safe_load((root / "compose.yaml").read_text())["services"]
    assert list(compose).index("greeting-counter") < list(compose).index("redis")
    assert compose["greeting-desk"]["build"]["args"] == {"SERVICE": "greeting-desk", "MODULE": "greeting_desk",
                                                         "PORT": "8020"}
    assert compose["greeting-counter"]["build"]["args"] == {"SERVICE": "greeting-counter", "PORT": "8021"}
    assert compose["greeting-counter"]["healthcheck"]["test"][-1] == \
        compose["auth-service"]["healthcheck"]["test"][-1].replace("8081", "8021"), "the Java services' probe"
    assert compose["gateway"]["environment"]["GREETING_DESK_URL"] == "http://greeting-desk:8020"
    assert compose["greeting-desk"]["deploy"]["replicas"] == "${GREETING_DESK_REPLICAS:-1}", "scalable as the others"
    assert "greeting-counter" in compose["gateway"]["depends_on"]
    parts = yaml.safe_load((root / "deploy/helm/polyglot-platform/values.yaml").read_text())["parts"]
    assert (parts["greeting-desk"]["urlVariable"], parts["greeting-desk"]["calledBy"]) == ("GREETING_DESK_URL", ["gateway"])
    assert (parts["greeting-counter"]["language"], parts["greeting-counter"]["portVariable"]) == (
        "java", "GREETING_COUNTER_PORT")
    assert parts["auth-service"]["calledBy"][-2:] == ["greeting-desk", "greeting-counter"], "they check tokens"


def test_a_second_service_of_the_same_name_is_refused(root: Path):
    create("greeting-desk", "python", root)
    assert "is taken" in name_problem("greeting-desk", root)


def test_names_derived_from_the_service_name():
    service = NewService("greeting-desk", "java", 8020)
    assert (service.package, service.java_package, service.class_prefix, service.contract) == (
        "greeting_desk", "greetingdesk", "GreetingDesk", "greetingdesk")
    assert (service.port_var, service.url_var, service.api_prefix) == (
        "GREETING_DESK_PORT", "GREETING_DESK_URL", "/api/greeting-desk")
    assert service.placeholders["service_info_operation"] == "getGreetingServiceInfo"
