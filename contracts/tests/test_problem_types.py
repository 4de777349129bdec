"""contracts/problems/problem-types.yaml: the one problem type scheme of the platform (`/problems/<name>`), and
every problem example in the OpenAPI documents uses a type from it, with that type's status and title."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

CONTRACTS = Path(__file__).resolve().parent.parent
CATALOGUE = yaml.safe_load((CONTRACTS / "problems" / "problem-types.yaml").read_text())
DOCUMENTS = sorted((CONTRACTS / "openapi").glob("*.yaml"))


def problem_examples(node: Any, where: str = "") -> list[tuple[str, dict]]:
    """Every example value under an application/problem+json media type."""
    found: list[tuple[str, dict]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "application/problem+json":
                for name, example in value.get("examples", {}).items():
                    found.append((f"{where}/{name}", example["value"]))
            else:
                found += problem_examples(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += problem_examples(value, f"{where}/{index}")
    return found


def test_every_entry_is_complete_and_one_type_per_status_is_the_default() -> None:
    defaults: dict[int, str] = {}
    for name, entry in CATALOGUE.items():
        assert set(entry) <= {"status", "title", "for_status", "description"}, name
        assert 400 <= entry["status"] <= 599 and entry["title"] and len(entry["description"]) > 20, name
        if entry.get("for_status"):
            assert entry["status"] not in defaults, f"{name} and {defaults.get(entry['status'])} both default"
            defaults[entry["status"]] = name
    assert {400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 502, 503, 504} <= set(defaults)
    assert "bad-request" in CATALOGUE and "internal-error" in CATALOGUE, "the fallbacks for 4xx and 5xx"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_problem_examples_use_catalogued_types_with_their_status_and_title(document: Path) -> None:
    examples = problem_examples(yaml.safe_load(document.read_text()))
    assert examples, "every document shows its errors"
    for where, problem in examples:
        name = problem["type"].removeprefix("/problems/")
        assert problem["type"].startswith("/problems/") and name in CATALOGUE, f"{where}: {problem['type']}"
        assert problem["status"] == CATALOGUE[name]["status"], where
        assert problem["title"] == CATALOGUE[name]["title"], where


def test_generated_constants_follow_the_catalogue() -> None:
    from contract_types.problems import ProblemType

    assert [member.value for member in ProblemType] == [f"/problems/{name}" for name in CATALOGUE]
    assert ProblemType.for_status(404) is ProblemType.NOT_FOUND
    assert ProblemType.for_status(418) is ProblemType.BAD_REQUEST and ProblemType.for_status(507) is ProblemType.INTERNAL_ERROR
    assert ProblemType.REPORT_NOT_READY.status == 409 and ProblemType.REPORT_NOT_READY.title == "Report not ready"
