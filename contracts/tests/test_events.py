"""contracts/events: the CloudEvent envelope, one payload schema per event type, and the example vectors
both languages' tests load (valid/*.json must pass, invalid/*.json must fail, envelope or payload)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

CONTRACTS = Path(__file__).resolve().parent.parent
EVENTS = CONTRACTS / "events"
SCHEMA_BASE = "https://polyglot.dev/schemas/events/"
# The list, plus the work items of the job streams.
REQUIRED_TYPES = {
    "user.registered", "user.role_changed", "user.deleted",
    "inference.job.progress", "inference.job.completed", "inference.job.failed", "inference.usage",
    "report.progress", "report.ready", "report.failed", "notification.broadcast",
    "inference.job.requested", "report.requested",
}
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MICROSECOND_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


@cache
def load(path: Path) -> Any:
    return json.loads(path.read_text()) if path.suffix == ".json" else yaml.safe_load(path.read_text())


def event_types() -> list[str]:
    return sorted(p.name.removesuffix(".schema.json") for p in (EVENTS / "schemas").glob("*.schema.json"))


def vectors(kind: str) -> list[tuple[str, Path]]:
    return [(d.name, f) for d in sorted((EVENTS / "examples").iterdir()) for f in sorted((d / kind).glob("*.json"))]


def validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


ENVELOPE = validator(load(EVENTS / "cloudevent.schema.json"))


def payload_validator(event_type: str) -> Draft202012Validator:
    return validator(load(EVENTS / "schemas" / f"{event_type}.schema.json"))


def violations(event_type: str, event: dict) -> list[str]:
    found = [f"envelope: {e.message}" for e in ENVELOPE.iter_errors(event)]
    if isinstance(event.get("data"), dict):
        found += [f"data: {e.message}" for e in payload_validator(event_type).iter_errors(event["data"])]
    return found


def test_every_required_event_type_has_a_schema_and_vectors() -> None:
    assert REQUIRED_TYPES <= set(event_types())
    assert {d.name for d in (EVENTS / "examples").iterdir()} == set(event_types()), "examples/<type> per schema"
    for event_type in event_types():
        for kind in ("valid", "invalid"):
            count = len(list((EVENTS / "examples" / event_type / kind).glob("*.json")))
            assert count >= 2, f"{event_type}: at least 2 {kind} vectors (has {count})"


@pytest.mark.parametrize("path", [EVENTS / "cloudevent.schema.json", *sorted((EVENTS / "schemas").glob("*.json"))],
                         ids=lambda p: p.name)
def test_schema_is_valid_json_schema_2020_12(path: Path) -> None:
    schema = load(path)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("event_type", event_types())
def test_payload_schema_id_title_and_conventions(event_type: str) -> None:
    schema = load(EVENTS / "schemas" / f"{event_type}.schema.json")
    assert schema["$id"] == f"{SCHEMA_BASE}{event_type}.json", "dataschema of the events = the schema's $id"
    assert re.fullmatch(r"[A-Z][A-Za-z0-9]+", schema["title"]), "the title names the generated class"
    assert schema.get("description"), "say what happened and who publishes it"
    for where, node in object_schemas(schema):
        assert node.get("additionalProperties") is False, f"{event_type}{where}: additionalProperties: false"
        for name in node.get("properties", {}):
            assert SNAKE_CASE.match(name), f"{event_type}{where}: {name!r} is not snake_case"
        assert set(node.get("required", [])) <= set(node.get("properties", {})), f"{event_type}{where}"
    assert "uniqueItems" not in json.dumps(schema), "jsonschema2pojo maps uniqueItems to a Jackson 2 databind annotation"


def patterns(node: Any, where: str = "") -> list[tuple[str, str]]:
    """Every `pattern` keyword in a schema, with where it is."""
    found = []
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            found.append((where, node["pattern"]))
        for key, value in node.items():
            found += patterns(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += patterns(value, f"{where}/{index}")
    return found


@pytest.mark.parametrize("path", sorted((EVENTS / "schemas").glob("*.schema.json"))
                         + sorted((CONTRACTS / "websocket" / "schemas").glob("*.schema.json")), ids=lambda p: p.name)
def test_every_pattern_is_anchored_at_both_ends(path: Path) -> None:
    # JSON Schema (and pydantic) search for a pattern anywhere in the string; the Java classes' @Pattern (Bean
    # Validation, from jsonschema2pojo) matches the whole string. Anchored at both ends, both read it the same way.
    for where, pattern in patterns(load(path)):
        assert pattern.startswith("^") and pattern.endswith("$"), f"{path.name}{where}: {pattern!r}"


def test_envelope_schema_id() -> None:
    assert load(EVENTS / "cloudevent.schema.json")["$id"] == f"{SCHEMA_BASE}cloudevent.json"


def object_schemas(node: Any, where: str = "") -> list[tuple[str, dict]]:
    found = []
    if isinstance(node, dict):
        if node.get("type") == "object":
            found.append((where or "/", node))
        for key, value in node.items():
            if key not in ("examples", "default", "const", "enum"):
                found += object_schemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found += object_schemas(item, f"{where}/{index}")
    return found


@pytest.mark.parametrize(("event_type", "path"), vectors("valid"), ids=lambda v: getattr(v, "name", v))
def test_valid_vector_is_valid(event_type: str, path: Path) -> None:
    event = load(path)
    assert violations(event_type, event) == []
    assert event["type"] == event_type, "a vector sits in the folder of its type"
    assert event["dataschema"] == load(EVENTS / "schemas" / f"{event_type}.schema.json")["$id"]
    assert MICROSECOND_UTC.match(event["time"]), "publishers write microsecond precision; vectors show it"
    assert UUID.match(event["id"])


@pytest.mark.parametrize(("event_type", "path"), vectors("invalid"), ids=lambda v: getattr(v, "name", v))
def test_invalid_vector_is_rejected_for_the_reason_its_name_gives(event_type: str, path: Path) -> None:
    event = load(path)
    found = violations(event_type, event)
    assert found, f"{path.name} passes both the envelope and the {event_type} schema"
    is_envelope = path.name.startswith("envelope-")
    assert all(f.startswith("envelope:" if is_envelope else "data:") for f in found), (
        f"{path.name}: an envelope-* vector breaks only the envelope, any other only the payload: {found}")
    assert event.get("type", event_type) == event_type


def test_invalid_vectors_are_unique() -> None:
    texts = [path.read_text() for _, path in vectors("invalid")]
    assert len(texts) == len(set(texts))


def test_valid_vectors_have_unique_ids() -> None:
    ids = [load(path)["id"] for _, path in vectors("valid")]
    assert len(ids) == len(set(ids))


def test_payloads_repeat_the_openapi_schemas_they_carry() -> None:
    """The job request events carry what the HTTP API accepted: the same schema, copied, must not drift."""
    inference = load(CONTRACTS / "openapi" / "inference.yaml")["components"]["schemas"]
    reporting = load(CONTRACTS / "openapi" / "reporting.yaml")["components"]["schemas"]
    # inference.job.requested carries no rows (they stay in Redis); its bound is the API's.
    requested = load(EVENTS / "schemas" / "inference.job.requested.schema.json")
    assert requested["properties"]["total_items"]["maximum"] == (
        inference["CreateJobRequest"]["properties"]["shipments"]["maxItems"])
    report = load(EVENTS / "schemas" / "report.requested.schema.json")
    assert report["$defs"]["ReportParameters"] == reporting["ReportParameters"]
    report_types = reporting["ReportTypeId"]["enum"]
    for event_type in ("report.requested", "report.progress", "report.ready", "report.failed"):
        schema = load(EVENTS / "schemas" / f"{event_type}.schema.json")
        assert schema["properties"]["report_type"]["enum"] == report_types, event_type
    assert load(EVENTS / "schemas" / "report.ready.schema.json")["properties"]["formats"]["items"]["enum"] == (
        reporting["ReportFormat"]["enum"])
    usage = load(EVENTS / "schemas" / "inference.usage.schema.json")
    assert usage["$defs"]["UsStateCode"]["enum"] == inference["UsStateCode"]["enum"], "the lanes' state codes"
    auth = load(CONTRACTS / "openapi" / "auth.yaml")["components"]["schemas"]
    for event_type, field in [("user.registered", "role"), ("user.role_changed", "old_role"),
                              ("user.role_changed", "new_role")]:
        schema = load(EVENTS / "schemas" / f"{event_type}.schema.json")
        assert schema["properties"][field]["enum"] == auth["Role"]["enum"], f"{event_type}.{field}"


def test_the_vector_checks_catch_a_wrong_vector() -> None:
    event = load(sorted((EVENTS / "examples" / "user.registered" / "valid").glob("*.json"))[0])
    assert violations("user.registered", {**event, "data": {**event["data"], "role": "root"}})
    assert violations("user.registered", {**event, "time": "2026-11-24 17:41:00"})
    assert violations("user.registered", {**event, "subject": None})
    assert violations("user.registered", {**event, "data": {**event["data"], "userId": event["data"]["user_id"]}})
