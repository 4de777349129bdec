"""The envelope against the shared contract: every example vector of contracts/events (validated with JSON
Schema 2020-12, round-tripped through the generated CloudEvent, its payload typed by the handlers), the wire
details of the shared decisions, read back by the CloudEvents SDK, trace context, and the XAUTOCLAIM reply parser.

The loader walks the folder, so new vectors are picked up without code changes.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cloudevents.core.formats.json import JSONFormat
from contract_types.events import PAYLOAD_MODELS, InferenceJobCompleted, NotificationBroadcast
from jsonschema import Draft202012Validator
from pydantic import BaseModel
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from service_kit.events import (
    EventHandlers,
    MalformedEvent,
    TypedEvent,
    decode_event,
    new_event,
    occurred_at,
    parse_autoclaim_reply,
)
from service_kit_testing.checks import sample_broadcast

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


def _typed(text: str) -> TypedEvent[Any]:
    """What the consumer hands a handler of every type for `text`; raises MalformedEvent as it would."""
    handled: list[TypedEvent[Any]] = []

    async def keep(event: TypedEvent[Any]) -> None:
        handled.append(event)

    delivery = EventHandlers().on_every_type(keep).route(decode_event(text))
    assert delivery is not None, "every type of the contract has the handler"
    asyncio.run(delivery())
    return handled[0]


@pytest.mark.parametrize("path", _vectors("valid"))
def test_valid_vector_validates_and_round_trips(path: Path):
    document = _load(path)
    event_type = path.parts[-3]
    assert document["type"] == event_type, "a vector lies in the folder of its type"
    ENVELOPE.validate(document)
    _payload_validator(event_type).validate(document["data"])

    text = path.read_text(encoding="utf-8")
    event = decode_event(text)
    assert json.loads(event.model_dump_json()) == document, "absent attributes stay absent, the text as written"
    assert decode_event(event.model_dump_json()) == event
    typed = _typed(text)
    assert typed.data == PAYLOAD_MODELS[event_type].model_validate(document["data"])
    assert typed.data.model_dump(mode="json", exclude_unset=True).keys() == document["data"].keys()


@pytest.mark.parametrize("path", _vectors("invalid"))
def test_invalid_vector_fails_validation(path: Path):
    document = _load(path)
    text = path.read_text(encoding="utf-8")
    envelope_errors = list(ENVELOPE.iter_errors(document))
    if envelope_errors:
        # What the contract rejects, the consumer must reject too (it would go to the dead letters).
        assert path.name.startswith("envelope-"), "an envelope vector's name says so"
        with pytest.raises(MalformedEvent):
            decode_event(text)
        return
    with pytest.raises(ValidationError):
        _payload_validator(path.parts[-3]).validate(document["data"])
    # A payload that breaks its schema: the consumer dead-letters it at once, whoever handles its type.
    with pytest.raises(MalformedEvent) as raised:
        _typed(text)
    assert all(attribute.startswith("data") for attribute in raised.value.problems), raised.value.problems


# -- the wire format of the shared decisions ----------------------------------------------------------

COMPLETED = InferenceJobCompleted(
    job_id="6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d", user_id="3f2c1d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f",
    model_version="2.1.3111022213", total_items=2, succeeded_items=2, failed_items=0,
    result_url="/api/inference/v1/jobs/6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d/result", duration_ms=70,
    completed_at="2026-11-24T17:41:01.090000Z")


def test_created_event_has_the_shared_shape_with_microseconds_and_no_nulls():
    before = datetime.now(UTC)
    event = new_event(COMPLETED, source="/inference-bridge")
    document = json.loads(event.model_dump_json())

    assert set(document) == {"specversion", "id", "source", "type", "time", "datacontenttype", "dataschema",
                             "traceparent", "data"}
    assert document["dataschema"] == "https://polyglot.dev/schemas/events/inference.job.completed.json"
    assert document["specversion"] == "1.0" and document["datacontenttype"] == "application/json"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", document["time"]), document["time"]
    assert before <= occurred_at(event) <= datetime.now(UTC)
    assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-01", document["traceparent"])
    assert document["type"] == "inference.job.completed"
    assert document["data"] == json.loads(COMPLETED.model_dump_json())
    ENVELOPE.validate(document)
    _payload_validator("inference.job.completed").validate(document["data"])


class NotAPayload(BaseModel):
    message: str = "a model of one's own, not the contract's"


def test_a_payload_that_is_not_a_contract_model_is_refused():
    with pytest.raises(TypeError, match="not an event payload model"):
        new_event(NotAPayload(), source="/a")


def test_the_cloudevents_sdk_reads_what_the_backbone_writes():
    """The official SDK (cloudevents.core) as an outside judge: our text is a CloudEvents 1.0 JSON event whose
    attributes, traceparent extension and data it reads back unchanged."""
    event = new_event(sample_broadcast("judge me"), source="/notification-service", subject="topic-1")
    read = JSONFormat().read(None, event.model_dump_json())
    assert read.get_id() == event.id and read.get_source() == event.source and read.get_type() == event.type
    assert read.get_subject() == "topic-1" and read.get_time() == occurred_at(event)
    assert read.get_dataschema() == event.dataschema and read.get_datacontenttype() == "application/json"
    assert read.get_extension("traceparent") == event.traceparent
    assert read.get_data() == event.data
    assert NotificationBroadcast.model_validate(read.get_data()) == NotificationBroadcast.model_validate(event.data)


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
         '"time":"2026-01-01T00:00:00Z","subject":null,"data":{}}', "subject"),
        ('{"specversion":"1.0","id":"0d9bd1a4-5a4e-4a8e-9a55-2f1f3f1f6b0e","source":"/a","type":"a.b",'
         '"time":"2026-01-01T00:00:00Z","partitionkey":"k1","data":{}}', "partitionkey"),
    ],
)
def test_malformed_text_names_the_attribute(text: str, attribute: str):
    with pytest.raises(MalformedEvent) as raised:
        decode_event(text)
    assert attribute in raised.value.problems, raised.value.problems


VALID = _load(sorted((EVENTS / "examples" / "user.deleted" / "valid").glob("*.json"))[0])


@pytest.mark.parametrize(
    ("attribute", "value", "problem"),
    [
        ("id", VALID["id"].upper(), "String should match pattern"),  # the idempotency key is lower case
        ("time", "2026-02-30T00:00:00Z", "is not a date and time that exists"),
        ("time", 1764006060, "Input should be a valid string"),
        ("subject", None, "is null: what is absent is omitted, never null"),
        ("subject", "", "at least 1 character"),
        ("dataschema", "https://example.com/user.deleted.json", "String should match pattern"),
        ("tracestate", "x" * 513, "at most 512 characters"),
        ("data", [1], "Input should be an object"),
    ],
)
def test_each_rule_of_the_profile_names_the_attribute_and_why(attribute: str, value: Any, problem: str):
    with pytest.raises(MalformedEvent) as raised:
        decode_event(json.dumps({**VALID, attribute: value}))
    assert problem in raised.value.problems[attribute], raised.value.problems


def test_tracestate_survives_a_round_trip():
    text = json.dumps({**VALID, "tracestate": "vendor=1"})
    assert json.loads(decode_event(text).model_dump_json()) == json.loads(text)


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
