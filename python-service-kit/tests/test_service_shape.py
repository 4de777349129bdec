"""Every Python service built on the kit has the same shape, so that a newcomer who knows one knows where anything
lives in the other; and the rules the kit's design rests on hold in all of their source.

A new service (or a new top-level module in one) fails here until the others follow, or this file says why not.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {"inference-bridge": "inference_bridge", "reporting-bridge": "reporting_bridge"}
KIT = ROOT / "python-service-kit" / "src" / "service_kit"

# __main__ serves the HTTP app; app makes it (the kit's factory, the routers, the lifespan); settings reads the
# environment; api/ has the routes, one module per resource, and dependencies.py; store/ is persistence; domain/
# what the service knows; worker/ the worker process (__main__ runs it, app makes it, handlers handle its events).
TOP_LEVEL = {"__init__.py", "__main__.py", "app.py", "settings.py", "api", "store", "domain", "worker"}
REQUIRED_INSIDE = {"api": {"__init__.py", "dependencies.py"}, "store": {"__init__.py"}, "domain": {"__init__.py"},
                   "worker": {"__init__.py", "__main__.py", "app.py", "handlers.py"}}


def entries(folder: Path) -> set[str]:
    return {entry.name for entry in folder.iterdir() if entry.name != "__pycache__"}


def package(service: str) -> Path:
    return ROOT / service / "src" / SERVICES[service]


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_service_has_the_shared_top_level_file_set(service: str):
    assert entries(package(service)) == TOP_LEVEL


def test_both_services_have_the_same_top_level_entries():
    first, second = (entries(package(service)) for service in sorted(SERVICES))
    assert first == second


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_each_part_has_what_a_reader_looks_for(service: str):
    for part, required in REQUIRED_INSIDE.items():
        assert required <= entries(package(service) / part), f"{service}: {part}/ lacks {required - entries(package(service) / part)}"


def source_files() -> list[Path]:
    return sorted([*KIT.rglob("*.py"), *(path for service in SERVICES for path in package(service).rglob("*.py"))])


@pytest.mark.parametrize(("rule", "pattern"), [
    # Objects that live as long as the app reach requests through the lifespan state and dependencies.
    ("no app.state service locator", re.compile(r"\bapp\.state\b")),
    # Settings are read by pydantic-settings classes, which name their variables.
    ("no hand-written environment parsing", re.compile(r"\bos\.environ\b|\bgetenv\b")),
])
def test_the_source_keeps_the_rule(rule: str, pattern: re.Pattern[str]):
    offenders = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}" for path in source_files()
                 for number, line in enumerate(path.read_text().splitlines(), 1) if pattern.search(line)]
    assert not offenders, f"{rule}:\n" + "\n".join(offenders)
