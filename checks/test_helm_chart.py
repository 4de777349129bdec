"""The Helm chart (deploy/helm/polyglot-platform) without a cluster: `helm lint --strict`, `helm template` with each
values file, and every rendered manifest through kubernetes-validate's strict schemas of the pinned Kubernetes
version (unknown fields refused). Broken copies and values prove that each of them really fails; the chart is also
held to the launcher's table of parts, the platform's variables and the AsyncAPI document's consumer groups."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from launcher import build
from launcher.config import COMPOSE_REPLICAS_VARIABLES, PLATFORM_VARIABLES, SERVICE_URL_VARS, SERVICES
from launcher.console import LauncherError

CHART = Path(__file__).resolve().parent.parent / "deploy" / "helm" / "polyglot-platform"
# The oldest Kubernetes minor the project still supports upstream (the last three are; 1.37 is the newest), and the
# chart's kubeVersion floor. kubernetes-validate bundles the schemas of 1.25 to 1.37.
KUBERNETES_VERSION = "1.35.0"
VALUES_FILES = sorted(p.name for p in (CHART / "ci").glob("*-values.yaml"))
RELEASE = "platform"
NAMESPACE = "polyglot"
# KEDA's custom resource: kubernetes-validate has no schema for it (it warns and passes), so it is checked here
# against the contracts instead (test_keda_scales_each_worker_on_its_own_consumer_group).
CUSTOM_KINDS = {"ScaledObject"}


@pytest.fixture(scope="session")
def helm(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The pinned Helm, built by the launcher's build step on first use and kept in var/tools/helm."""
    try:
        return build.helm_executable(tmp_path_factory.mktemp("helm-build"))
    except LauncherError as e:
        pytest.fail(str(e), pytrace=False)


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, check=False, capture_output=True, text=True, timeout=120)


def template(helm: str, values: str | None = None, *options: str) -> subprocess.CompletedProcess[str]:
    """`helm template` of the chart, with one of its ci/ values files and more options."""
    command = [helm, "template", RELEASE, str(CHART), "--namespace", NAMESPACE, "--kube-version", KUBERNETES_VERSION]
    if values:
        command += ["--values", str(CHART / "ci" / values)]
    return run([*command, *options])


def rendered(helm: str, values: str | None = None, *options: str) -> list[dict]:
    result = template(helm, values, *options)
    assert result.returncode == 0, f"helm template failed:\n{result.stderr}"
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def kubernetes_validate(manifests: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "manifests.yaml"
    path.write_text(manifests)
    validator = Path(sys.executable).parent / "kubernetes-validate"
    return run([str(validator), "--strict", "-k", KUBERNETES_VERSION, str(path)])


def of_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


# ---- lint, template, strict schemas


@pytest.mark.parametrize("values", [None, *VALUES_FILES])
def test_chart_lints_strictly(helm: str, values: str | None) -> None:
    command = [helm, "lint", "--strict", str(CHART), "--kube-version", KUBERNETES_VERSION]
    result = run(command + (["--values", str(CHART / "ci" / values)] if values else []))
    assert result.returncode == 0, f"helm lint --strict failed:\n{result.stdout}\n{result.stderr}"


@pytest.mark.parametrize("values", [None, *VALUES_FILES])
def test_rendered_manifests_validate_strictly(helm: str, values: str | None, tmp_path: Path) -> None:
    result = template(helm, values)
    assert result.returncode == 0, f"helm template failed:\n{result.stderr}"

    validation = kubernetes_validate(result.stdout, tmp_path)

    assert validation.returncode == 0, f"kubernetes-validate --strict:\n{validation.stdout}{validation.stderr}"
    # A kind without a bundled schema only warns: every one of the chart's must have been validated, but KEDA's.
    lines = validation.stdout.splitlines()
    unvalidated = [line for line in lines if line.startswith("WARN") and not any(
        f"kind {kind} " in line for kind in CUSTOM_KINDS)]
    assert not unvalidated, "\n".join(unvalidated)
    kinds = {doc["kind"] for doc in yaml.safe_load_all(result.stdout) if doc}
    passed = sum(line.startswith("INFO") and "passed" in line for line in lines)
    assert passed == sum(1 for doc in yaml.safe_load_all(result.stdout) if doc and doc["kind"] not in CUSTOM_KINDS)
    assert {"Deployment", "Service", "ConfigMap", "PodDisruptionBudget", "NetworkPolicy"} <= kinds


# ---- each of the three refuses what it must (so that green means something)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        # A misspelt key in the values' securityContext lands in every app container's spec.
        ("securityContext.allowPrivilegeEscalations=false",
         "Additional properties are not allowed ('allowPrivilegeEscalations' was unexpected)"),
        # values.schema.json does not type this one: the PodDisruptionBudgets get a boolean where Kubernetes wants an
        # integer or a percentage.
        ("podDisruptionBudget.maxUnavailable=true",
         "spec.maxUnavailable: True is not valid under any of the given schemas"),
    ],
    ids=["unknown-container-field", "wrongly-typed-field"],
)
def test_validator_refuses_a_broken_rendering(helm: str, tmp_path: Path, setting: str, message: str) -> None:
    result = template(helm, None, "--set", setting)
    assert result.returncode == 0, result.stderr

    validation = kubernetes_validate(result.stdout, tmp_path)

    assert validation.returncode != 0
    assert message in validation.stdout


@pytest.fixture
def chart_copy(tmp_path: Path) -> Path:
    copy = tmp_path / CHART.name
    shutil.copytree(CHART, copy)
    return copy


def test_lint_refuses_a_template_that_does_not_parse(helm: str, chart_copy: Path) -> None:
    deployments = chart_copy / "templates" / "deployments.yaml"
    deployments.write_text(deployments.read_text().replace("{{- end }}", "", 1))

    result = run([helm, "lint", "--strict", str(chart_copy)])

    assert result.returncode != 0
    assert "parse error" in result.stdout + result.stderr


def test_lint_refuses_a_template_that_renders_invalid_yaml(helm: str, chart_copy: Path) -> None:
    services = chart_copy / "templates" / "services.yaml"
    services.write_text(services.read_text().replace("  type: {{", "type: [{{", 1))

    result = run([helm, "lint", "--strict", str(chart_copy)])

    assert result.returncode != 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--set", "redis.enabled=false"], "redis.enabled is false: set redis.external.url"),
        (["--set", "postgresql.enabled=false"], "postgresql.enabled is false: set postgresql.external.authDatabaseUrl"),
        (["--set", "admin.email=admin@example.com"], "admin.email is set: set admin.password too"),
        (["--set", "redis.enabled=false", "--set", "redis.external.url=redis://r:6379/0",
          "--set", "parts.inference-worker.keda.enabled=true"], "set keda.redisAddress"),
        # values.schema.json
        (["--set", "parts.gateway.autoscalling.enabled=false"], "additional properties 'autoscalling' not allowed"),
        (["--set", "parts.gateway.port=http-port"], "at '/parts/gateway/port': got string, want integer"),
        (["--set", "parts.gateway.language=go"], "at '/parts/gateway/language'"),
    ],
    ids=["external-redis-without-url", "external-postgresql-without-urls", "admin-without-password",
         "keda-without-redis-address", "misspelt-part-key", "string-port", "unknown-language"],
)
def test_template_refuses_incomplete_values(helm: str, options: list[str], message: str) -> None:
    result = template(helm, None, *options)

    assert result.returncode != 0
    assert message in result.stderr


# ---- the chart against the platform's own declarations


def test_every_part_of_the_launcher_runs_with_its_port_and_health_paths(helm: str) -> None:
    deployments = of_kind(rendered(helm), "Deployment")
    assert sorted(deployments) == sorted(f"{RELEASE}-{part.name}" for part in SERVICES)
    for part in SERVICES:
        container = deployments[f"{RELEASE}-{part.name}"]["spec"]["template"]["spec"]["containers"][0]
        assert container["ports"][0]["containerPort"] == part.default_port, part.name
        assert container["readinessProbe"]["httpGet"]["path"] == part.health_path, part.name
        assert container["livenessProbe"]["httpGet"]["path"] == part.liveness_probe_path, part.name
        assert container["startupProbe"]["httpGet"]["path"] == part.liveness_probe_path, part.name
        assert container["image"] == f"polyglot-platform-{part.name}:0.1.0"
        resources = container["resources"]
        assert resources["requests"]["memory"] and resources["limits"]["memory"], part.name


def test_every_service_is_found_through_its_url_variable_at_its_service(helm: str) -> None:
    docs = rendered(helm)
    config = of_kind(docs, "ConfigMap")[f"{RELEASE}-config"]["data"]
    services = of_kind(docs, "Service")
    parts = {part.name: part for part in SERVICES}
    for name, variable in SERVICE_URL_VARS.items():
        assert f"{RELEASE}-{name}" in services, name
        assert config[variable] == f"http://{RELEASE}-{name}:{parts[name].default_port}", variable


def variables_the_chart_sets(helm: str) -> set[str]:
    """The ConfigMap's keys and the containers' own variables, with every optional one on (ci/scaled-values.yaml)."""
    docs = rendered(helm, "scaled-values.yaml")
    names = set(of_kind(docs, "ConfigMap")[f"{RELEASE}-config"]["data"])
    for deployment in of_kind(docs, "Deployment").values():
        names |= {env["name"] for env in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
    return names


def test_every_variable_the_chart_sets_is_a_platform_variable(helm: str) -> None:
    # POSTGRES_PASSWORD: only expanded by Kubernetes into the database URLs, read by no service.
    assert variables_the_chart_sets(helm) - PLATFORM_VARIABLES == {"POSTGRES_PASSWORD"}


# The variables of .env.example a release does not take, and why; any other one must be settable through the chart.
NOT_FOR_THE_CHART = {
    "REDIS_PORT": "the port of the Redis ./platform up starts; the chart's Redis is a Service",
    "ZIPKIN_PORT": "./platform up's Zipkin; a release sends spans to TRACING_ZIPKIN_ENDPOINT",
    "PROMETHEUS_PORT": "./platform up's Prometheus; a release's is PROMETHEUS_URL",
    "FAULT_PROXY_PORT": "the fault proxy of ./platform up --faults",
    "PLATFORM_FAULTS": "the same",
    "PLATFORM_OBSERVABILITY": "whether ./platform up starts Zipkin and Prometheus",
    "JAVA_OPTS": "the launcher's JVM flags; the images size the heap from the container's memory limit",
    "MODEL_DIR": "set by the inference images, which carry the model they trained at build time",
    "PLATFORM_SCALE": "the instances ./platform up starts; a release's are each part's replicas in values.yaml",
    **{variable: "compose.yaml's replicas of the part; a release's are in values.yaml"
       for variable in COMPOSE_REPLICAS_VARIABLES.values()},
}


def test_every_platform_variable_reaches_a_release(helm: str, repo_root: Path) -> None:
    listed = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", (repo_root / ".env.example").read_text(), re.MULTILINE))
    configurable = set(yaml.safe_load((CHART / "values.yaml").read_text())["config"])

    missing = listed - variables_the_chart_sets(helm) - configurable - set(NOT_FOR_THE_CHART)

    assert not missing, f"add them to values.yaml's config (or to NOT_FOR_THE_CHART, saying why): {sorted(missing)}"
    assert set(NOT_FOR_THE_CHART) <= listed


def test_only_the_gateway_is_reachable_from_outside(helm: str) -> None:
    policies = of_kind(rendered(helm), "NetworkPolicy")
    assert set(policies) == {f"{RELEASE}-{part.name}" for part in SERVICES} | {f"{RELEASE}-redis",
                                                                              f"{RELEASE}-postgresql"}
    for name, policy in policies.items():
        open_rules = [rule for rule in policy["spec"].get("ingress") or [] if not rule.get("from")]
        assert bool(open_rules) == (name == f"{RELEASE}-gateway"), name
    services = of_kind(rendered(helm, None, "--set", "service.type=LoadBalancer"), "Service")
    assert {name for name, s in services.items() if s["spec"].get("type", "ClusterIP") != "ClusterIP"} == {f"{RELEASE}-gateway"}


def test_the_database_urls_reach_the_parts_that_use_them_only(helm: str) -> None:
    deployments = of_kind(rendered(helm, "external-urls-values.yaml"), "Deployment")

    def secret_variables(part: str) -> set[str]:
        env = deployments[f"{RELEASE}-{part}"]["spec"]["template"]["spec"]["containers"][0]["env"]
        return {e["name"] for e in env if "secretKeyRef" in e.get("valueFrom", {})}

    assert secret_variables("auth-service") == {"REDIS_URL", "AUTH_DATABASE_URL"}
    assert secret_variables("reporting-worker") == {"REDIS_URL", "REPORTING_DATABASE_URL"}
    assert secret_variables("gateway") == {"REDIS_URL"}


def test_keda_scales_each_worker_on_its_own_consumer_group(helm: str, repo_root: Path) -> None:
    asyncapi = yaml.safe_load((repo_root / "contracts" / "asyncapi" / "platform.asyncapi.yaml").read_text())
    groups = {(channel["address"], group["group"])
              for channel in asyncapi["channels"].values()
              for group in channel.get("x-redis-stream", {}).get("consumer_groups", [])}
    docs = rendered(helm, "keda-values.yaml")
    scaled = of_kind(docs, "ScaledObject")
    deployments = of_kind(docs, "Deployment")

    assert sorted(scaled) == [f"{RELEASE}-inference-worker", f"{RELEASE}-reporting-worker"]
    for name, scaled_object in scaled.items():
        assert scaled_object["apiVersion"] == "keda.sh/v1alpha1"
        assert scaled_object["spec"]["scaleTargetRef"]["name"] in deployments
        # KEDA owns the replica count: the Deployment must not fight it.
        assert "replicas" not in deployments[name]["spec"]
        (trigger,) = scaled_object["spec"]["triggers"]
        assert trigger["type"] == "redis-streams"
        metadata = trigger["metadata"]
        assert (metadata["stream"], metadata["consumerGroup"]) in groups
        assert metadata["consumerGroup"] == name.removeprefix(f"{RELEASE}-")
        assert metadata["address"] == f"{RELEASE}-redis.{NAMESPACE}.svc:6379"
        assert int(metadata["lagCount"]) > 0
