"""compose.yaml loads in Docker Compose's own loader (compose-go), and that loader really rejects
the mistakes we care about, so a green run means something without a Docker engine."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml


def test_compose_file_loads_like_docker_compose_config(repo_root: Path, load_compose) -> None:
    result = load_compose(repo_root / "compose.yaml")
    assert result.returncode == 0, f"compose-go rejected compose.yaml:\n{result.stderr}"


def test_compose_file_has_no_obsolete_version_key(repo_root: Path) -> None:
    # The Compose Specification dropped `version:`; Docker Compose warns that it is obsolete.
    raw = yaml.safe_load((repo_root / "compose.yaml").read_text())
    assert "version" not in raw


def _depend_on_unknown_service(doc: dict) -> None:
    doc["services"]["gateway"]["depends_on"]["billing-service"] = {"condition": "service_healthy"}


def _misspell_a_key(doc: dict) -> None:
    doc["services"]["gateway"]["healthcheck"]["intervall"] = "5s"


def _use_an_unknown_depends_on_condition(doc: dict) -> None:
    doc["services"]["gateway"]["depends_on"]["redis"]["condition"] = "service_ready"


def _mount_an_undeclared_volume(doc: dict) -> None:
    doc["volumes"].pop("redis-data")


def _give_an_invalid_memory_size(doc: dict) -> None:
    doc["services"]["redis"]["mem_limit"] = "plenty"


def _require_an_unset_variable(doc: dict) -> None:
    doc["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"] = "${UNSET_FOR_THIS_CHECK:?must be set}"


@pytest.mark.parametrize(
    ("break_it", "expected_message"),
    [
        (_depend_on_unknown_service, 'depends on undefined service "billing-service"'),
        (_misspell_a_key, "additional properties 'intervall' not allowed"),
        (_use_an_unknown_depends_on_condition, "condition value must be one of"),
        (_mount_an_undeclared_volume, "undefined volume redis-data"),
        (_give_an_invalid_memory_size, "invalid size: 'plenty'"),
        (_require_an_unset_variable, "required variable UNSET_FOR_THIS_CHECK is missing a value"),
    ],
    ids=lambda value: value.__name__.strip("_") if callable(value) else None,
)
def test_loader_rejects_a_broken_copy(
    repo_root: Path,
    load_compose,
    tmp_path: Path,
    break_it: Callable[[dict], None],
    expected_message: str,
) -> None:
    # YAML anchors and merge keys are expanded by safe_load; the dumped copy means the same thing.
    document = copy.deepcopy(yaml.safe_load((repo_root / "compose.yaml").read_text()))
    break_it(document)
    broken = tmp_path / "compose.yaml"
    broken.write_text(yaml.safe_dump(document, sort_keys=False))

    result = load_compose(broken)

    assert result.returncode != 0, "compose-go accepted a deliberately broken compose file"
    assert expected_message in result.stderr
