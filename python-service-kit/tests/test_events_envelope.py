"""The envelope against the shared contract: every example vector of contracts/events (validated with JSON
Schema 2020-12, round-tripped through CloudEvent), the wire details of the shared decisions, trace context,
and the XAUTOCLAIM reply parser.

The loader walks the folder, so new vectors are picked up without code changes.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from service_kit.events import (
    CloudEvent,
    MalformedEvent,
    TraceContext,
    current_trace,
    parse_autoclaim_reply,
    use_trace,
)

REPOSITORY = Path(__file__).resolve().parents[2]
EVENTS = REPOSITORY / "contracts" / "events"


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _with_id(schema: dict[str, Any], path: Path) -> dict[str, Any]:
    # A schema without $id gets its file's URI, so that its relative $refs resolve to neighbouring files.
    return schema if "$id" in schema else {**schema, "$id": path.as_uri()}


def _registry() -> Registry:
    resources = []
    for path in sorted(EVENTS.rglob("*.schema.json")):
        schema = _load(path)
        resource = Resource.from_contents(_with_id(schema, path))
        resources.append((path.as_uri(), resource))
        if "$id" in schema:
            resources.append((schema["$id"], resource))

    def retrieve(uri: str) -> Resource:
        if uri.startswith("file://"):
            path = Path(uri.removeprefix("file://"))
            return Resource.from_contents(_with_id(_load(path), path))
        raise LookupError(f"no schema known as {uri}")

    return Registry(retrieve=retrieve).with_resources(resources)


REGISTRY = _registry()


def _validator(path: Path) -> Draft202012Validator:
    return Draft202012Validator(
        _with_id(_load(path), path), registry=REGISTRY, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


ENVELOPE = _validator(EVENTS / "cloudevent.schema.json")


def _payload_validator(event_type: str) -> Draft202012Validator:
    path = EVENTS / "schemas" / f"{event_type}.schema.json"
    assert path.is_file(), f"no payload schema for {event_type}: {path}"
    return _validator(path)


def _vectors(kind: str) -> list[Any]:
    paths = sorted((EVENTS / "examples").glob(f"*/{kind}/*.json"))
    return [pytest.param(path, id=f"{path.parts[-3]}/{path.name}") for path in paths]


def test_vectors_are_found():
    assert _vectors("valid") and _vectors("invalid"), f"no vectors under {EVENTS / 'examples'}"


@pytest.mark.parametrize("path", _vectors("valid"))
def test_valid_vector_validates_and_round_trips(path: Path):
    document = _load(path)
    event_type = path.parts[-3]
    assert document["type"] == event_type, "a vector lies in the folder of its type"
    ENVELOPE.validate(document)
    _payload_validator(event_type).validate(document["data"])

    event = CloudEvent.parse(path.read_text(encoding="utf-8"))
    assert json.loads(event.to_json()) == document
    assert CloudEvent.parse(event.to_json()) == event


@pytest.mark.parametrize("path", _vectors("invalid"))
def test_invalid_vector_fails_validation(path: Path):
    document = _load(path)
    envelope_errors = list(ENVELOPE.iter_errors(document))
    if envelope_errors:
        # What the contract rejects, the consumer must reject too (it would go to the dead letters).
        with pytest.raises(MalformedEvent):
            CloudEvent.parse(path.read_text(encoding="utf-8"))
        return
    with pytest.raises(ValidationError):
        _payload_validator(path.parts[-3]).validate(document["data"])


# -- the wire format of the shared decisions ----------------------------------------------------------

def test_created_event_has_the_shared_shape_with_microseconds_and_no_nulls():
    before = datetime.now(UTC)
    event = CloudEvent.create(source="/inference-bridge", type="inference.job.completed", data={"job_id": "j-1"})
    document = json.loads(event.to_json())

    assert set(document) == {"specversion", "id", "source", "type", "time", "datacontenttype", "dataschema",
                             "traceparent", "data"}
    assert document["dataschema"] == "https://polyglot.dev/schemas/events/inference.job.completed.json"
    assert document["specversion"] == "1.0" and document["datacontenttype"] == "application/json"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", document["time"]), document["time"]
    assert before <= event.occurred_at <= datetime.now(UTC)
    assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-01", document["traceparent"])
    ENVELOPE.validate(document)


@pytest.mark.parametrize(
    ("text", "attribute"),
    [
        ("not json", "$"),
        ("[1, 2]", "$"),
        ('{"specversion":"1.0"}', "id"),
        ('{"specversion":"1.0","id":"x","source":"/a","type":"a.b","time":"2026-01-01T00:00:00Z","data":{}}', "id"),
        ('{"specversion":"1.0","id":"0d9bd1a4-5a4e-4a8e-9a55-2f1f3f1f6b0e","source":"/a","type":"a.b",'
         '"time":"2026-01-01T00:00:00+01:00","data":{}}', "time"),
        ('{"specversion":"1.0","id":"0d9bd1a4-5a4e-4a8e-9a55-2f1f3f1f6b0e","source":"/a","type":"a.b",'
         '"time":"2026-01-01T00:00:00Z","traceparent":"00-abc","data":{}}', "traceparent"),
        ('{"specversion":"1.0","id":"0d9bd1a4-5a4e-4a8e-9a55-2f1f3f1f6b0e","source":"/a","type":"a.b",'
         '"time":"2026-01-01T00:00:00Z","subject":null,"data":{}}', "subject"),
        ('{"specversion":"1.0","id":"0d9bd1a4-5a4e-4a8e-9a55-2f1f3f1f6b0e","source":"/a","type":"a.b",'
         '"time":"2026-01-01T00:00:00Z","partitionkey":"k1","data":{}}', "partitionkey"),
    ],
)
def test_malformed_text_names_the_attribute(text: str, attribute: str):
    with pytest.raises(MalformedEvent) as raised:
        CloudEvent.parse(text)
    assert attribute in raised.value.problems, raised.value.problems


def test_tracestate_survives_a_round_trip():
    text = ('{"specversion":"1.0","id":"0d9bd1a4-5a4e-4a8e-9a55-2f1f3f1f6b0e","source":"/a","type":"a.b",'
            '"time":"2026-01-01T00:00:00.000001Z","datacontenttype":"application/json",'
            '"dataschema":"https://polyglot.dev/schemas/events/a.b.json",'
            '"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01","tracestate":"vendor=1",'
            '"data":{"x":1}}')
    assert json.loads(CloudEvent.parse(text).to_json()) == json.loads(text)


# -- trace context ------------------------------------------------------------------------------------

def test_an_event_created_inside_a_trace_continues_it():
    parent = TraceContext.new()
    with use_trace(parent):
        event = CloudEvent.create(source="/a", type="a.b", data={})
    assert current_trace() is None
    assert event.trace is not None
    assert event.trace.trace_id == parent.trace_id and event.trace.span_id != parent.span_id


@pytest.mark.parametrize(
    "traceparent",
    ["00-00000000000000000000000000000000-00f067aa0ba902b7-01", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
     "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"],
)
def test_invalid_traceparents_are_rejected(traceparent: str):
    with pytest.raises(ValueError):
        TraceContext.parse(traceparent)


# -- XAUTOCLAIM replies (Redis 6.2: 2 elements; 7.x: 3) ----------------------------------------------

def test_autoclaim_reply_of_redis_6_2_has_two_elements():
    reply = ["1700000000000-5", [("1700000000000-1", {"cloudevent": "{}"}), None]]
    parsed = parse_autoclaim_reply(reply)
    assert parsed.cursor == "1700000000000-5"
    assert parsed.entries == [("1700000000000-1", {"cloudevent": "{}"})]
    assert parsed.deleted_ids == []


def test_autoclaim_reply_of_redis_7_has_deleted_ids_as_third_element():
    reply = [b"0-0", [[b"1700000000000-1", [b"cloudevent", b"{}", b"other", b"x"]]], [b"1700000000000-0"]]
    parsed = parse_autoclaim_reply(reply)
    assert parsed.cursor == "0-0"
    assert parsed.entries == [("1700000000000-1", {"cloudevent": "{}", "other": "x"})]
    assert parsed.deleted_ids == ["1700000000000-0"]


def test_autoclaim_reply_of_another_length_is_refused():
    with pytest.raises(ValueError):
        parse_autoclaim_reply(["0-0"])
