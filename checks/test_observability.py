"""The Prometheus rules and the Grafana dashboards of observability/: valid PromQL, rules that do what their tests
say, and only series the platform really exports.

- `promtool check rules` and `promtool test rules` (the *.test.yml beside the rules);
- every panel expression of every dashboard, turned into a recording rule in a temporary file, through
  `promtool check rules`;
- every metric a rule or a panel names appears in observability/prometheus/metrics-sample/, each part's metrics
  scraped from a running platform (`python -m launcher.observability --capture-samples`), and every sample is
  valid Prometheus text (`promtool check metrics`: its parse errors fail, its naming advice does not);
- the Prometheus configurations (./platform up's, generated; compose's, committed) pass `promtool check config`.

promtool comes with Prometheus (Debian: apt-get install prometheus; .ci/run installs it). Without it these checks
fail, saying so: a green run always ran promtool.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from launcher.config import PARTS, load_settings
from launcher.observability import COMPOSE_CONFIG, RULES_DIR, SAMPLES_DIR, local_config, scraped

ROOT = Path(__file__).resolve().parent.parent
DASHBOARDS_DIR = ROOT / "observability" / "grafana" / "dashboards"
RULE_FILES = sorted(RULES_DIR.glob("*.rules.yml"))
RULE_TESTS = sorted(RULES_DIR.glob("*.test.yml"))
DASHBOARDS = sorted(DASHBOARDS_DIR.glob("*.json"))

PROMQL_KEYWORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left",
                   "group_right", "inf", "nan", "atan2"}
# Series Prometheus makes itself for every target.
SCRAPE_SERIES = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}
IDENTIFIER = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")


@pytest.fixture(scope="module")
def promtool() -> str:
    found = shutil.which("promtool")
    if not found:
        pytest.fail("promtool is not on PATH: it comes with Prometheus (Debian: apt-get install prometheus; .ci/run "
                    "installs it). The rules and dashboards cannot be checked without it.", pytrace=False)
    return found


def run(promtool: str, *args: str, cwd: Path = RULES_DIR) -> subprocess.CompletedProcess[str]:
    return subprocess.run([promtool, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def metric_names(expression: str) -> set[str]:
    """The series a PromQL expression selects by name (functions, keywords, labels and grouping lists left out)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expression)
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    names = set()
    for match in IDENTIFIER.finditer(text):
        following = text[match.end():].lstrip()[:1]
        preceding = text[:match.start()].rstrip()[-1:]
        if following == "(" or match.group() in PROMQL_KEYWORDS or preceding.isdigit() or preceding == ".":
            continue  # a function, a keyword, or the unit of a number (1e3)
        names.add(match.group())
    return names


def sample_series(folder: Path) -> set[str]:
    """Every series name in the scraped samples."""
    names = set()
    for sample in folder.glob("*.prom"):
        for line in sample.read_text().splitlines():
            if line and not line.startswith("#"):
                names.add(re.split(r"[{ ]", line, maxsplit=1)[0])
    return names


def rules(path: Path) -> list[dict]:
    return [rule for group in yaml.safe_load(path.read_text())["groups"] for rule in group["rules"]]


def recorded_names() -> set[str]:
    return {rule["record"] for path in RULE_FILES for rule in rules(path) if "record" in rule}


def panel_expressions(dashboard: Path) -> list[tuple[str, str]]:
    """(panel title, expression) of every target of every panel, rows' nested panels included."""
    found = []

    def walk(panels: list[dict]) -> None:
        for panel in panels:
            walk(panel.get("panels", []))
            for target in panel.get("targets", []):
                if target.get("expr"):
                    found.append((panel.get("title", "?"), target["expr"]))

    walk(json.loads(dashboard.read_text()).get("panels", []))
    return found


def unknown_names(expressions: list[str], known: set[str]) -> list[str]:
    return sorted({name for expression in expressions for name in metric_names(expression)} - known)


# ---- the rules


def test_there_are_rules_and_each_rule_file_has_its_tests() -> None:
    assert RULE_FILES, f"no *.rules.yml in {RULES_DIR}"
    assert {p.name.removesuffix(".rules.yml") for p in RULE_FILES} == {p.name.removesuffix(".test.yml") for p in RULE_TESTS}


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_rules_are_valid(promtool: str, path: Path) -> None:
    result = run(promtool, "check", "rules", path.name)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", RULE_TESTS, ids=lambda p: p.name)
def test_rules_do_what_their_tests_say(promtool: str, path: Path) -> None:
    result = run(promtool, "test", "rules", path.name)
    assert result.returncode == 0, result.stdout + result.stderr


def test_rules_name_only_exported_series() -> None:
    expressions = [rule["expr"] for path in RULE_FILES for rule in rules(path)]
    assert unknown_names(expressions, sample_series(SAMPLES_DIR) | recorded_names() | SCRAPE_SERIES) == []


def test_every_alert_says_what_it_means() -> None:
    for path in RULE_FILES:
        for rule in rules(path):
            if "alert" in rule:
                assert rule["labels"]["severity"] in ("critical", "warning", "info"), rule["alert"]
                assert rule["annotations"]["summary"] and rule["annotations"]["description"], rule["alert"]


# ---- the samples


def test_there_is_a_sample_of_every_scraped_part() -> None:
    assert sorted(p.stem for p in SAMPLES_DIR.glob("*.prom")) == sorted(p.name for p in scraped(PARTS))


@pytest.mark.parametrize("path", sorted(SAMPLES_DIR.glob("*.prom")), ids=lambda p: p.name)
def test_samples_are_valid_prometheus_text(promtool: str, path: Path) -> None:
    result = subprocess.run([promtool, "check", "metrics"], input=path.read_text(), capture_output=True, text=True,
                            timeout=60)
    # Exit 1 also for naming advice (Micrometer's *_max gauges, "counter metrics should have _total"): only an
    # error reading the text fails here.
    assert "error while linting" not in result.stderr, result.stderr


# ---- the dashboards


def test_there_are_dashboards() -> None:
    assert DASHBOARDS, f"no dashboards in {DASHBOARDS_DIR}"


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_every_panel_expression_is_valid_promql(promtool: str, path: Path, tmp_path: Path) -> None:
    expressions = panel_expressions(path)
    assert expressions, f"{path.name}: no panel has a query"
    group = {"name": "panels", "rules": [{"record": f"panel:{i}", "expr": expr} for i, (_, expr) in enumerate(expressions)]}
    as_rules = tmp_path / "panels.rules.yml"
    as_rules.write_text(yaml.safe_dump({"groups": [group]}))
    result = run(promtool, "check", "rules", str(as_rules), cwd=tmp_path)
    titles = "\n".join(f"panel:{i} = {title}: {expr}" for i, (title, expr) in enumerate(expressions))
    assert result.returncode == 0, f"{result.stdout}{result.stderr}\n{titles}"


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_every_panel_names_only_exported_or_recorded_series(path: Path) -> None:
    expressions = [expr for _, expr in panel_expressions(path)]
    assert unknown_names(expressions, sample_series(SAMPLES_DIR) | recorded_names() | SCRAPE_SERIES) == []


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_panels_use_the_provisioned_datasource(path: Path) -> None:
    dashboard = json.loads(path.read_text())
    assert dashboard.get("uid") and dashboard.get("title")
    # Every query goes through the one datasource that observability/grafana/provisioning declares.
    for panel in dashboard["panels"]:
        if panel.get("targets"):
            assert panel["datasource"] == {"type": "prometheus", "uid": "prometheus"}, panel.get("title")


# ---- the configurations


def test_the_generated_configuration_is_valid(promtool: str, tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, environ={})
    config = tmp_path / "prometheus.yml"
    config.write_text(local_config(settings.parts(), settings.ports))
    result = run(promtool, "check", "config", str(config), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout + result.stderr and str(RULE_FILES[0]) in result.stdout


def test_the_compose_configuration_is_valid(promtool: str, tmp_path: Path) -> None:
    # The rules are mounted at /etc/prometheus/rules in the container: point the copy at them here.
    config = tmp_path / "prometheus.yml"
    config.write_text(COMPOSE_CONFIG.read_text().replace("/etc/prometheus/rules", str(RULES_DIR)))
    result = run(promtool, "check", "config", str(config), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


# ---- the checks check something


def test_the_name_extraction_finds_series_and_nothing_else() -> None:
    expression = ('sum by (routeId, le) (rate(a_seconds_bucket{status=~"5..", x="y{z}"}[5m])) / ignoring(outcome) '
                  'b_total offset 1h and on(job) up == bool 1e3 or histogram_quantile(0.95, c:recorded:rate5m)')
    assert metric_names(expression) == {"a_seconds_bucket", "b_total", "up", "c:recorded:rate5m"}


def test_a_made_up_metric_is_reported(tmp_path: Path) -> None:
    (tmp_path / "part.prom").write_text('# TYPE events_lag gauge\nevents_lag{stream="s",group="g"} 0\n')
    assert unknown_names(["max(events_lag) + events_lagg"], sample_series(tmp_path)) == ["events_lagg"]


def test_promtool_refuses_a_broken_rule(promtool: str, tmp_path: Path) -> None:
    (tmp_path / "broken.rules.yml").write_text("groups:\n  - name: g\n    rules:\n      - record: r\n        expr: sum(rate(x[5m])\n")
    assert run(promtool, "check", "rules", "broken.rules.yml", cwd=tmp_path).returncode != 0
