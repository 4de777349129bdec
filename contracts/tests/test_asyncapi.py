"""contracts/asyncapi/platform.asyncapi.yaml: the streams, their groups, retention and delivery semantics,
and the WebSocket protocol. (Structure is validated by Spectral and @asyncapi/parser in the suite's lint
step; these tests check what neither does: message examples against their payloads, coverage of every
event schema, and the figures the backbones implement.)"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag

import pytest
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

CONTRACTS = Path(__file__).resolve().parent.parent
DOCUMENT = CONTRACTS / "asyncapi" / "platform.asyncapi.yaml"
SCHEMA_BASE = "https://polyglot.dev/schemas/events/"
STREAMS = {"platform.events": 100000, "inference.jobs": 10000, "reporting.jobs": 10000}
JOB_REQUESTS = {"inference.jobs": "inference.job.requested", "reporting.jobs": "report.requested"}
WS_MESSAGES = {"hello", "subscribe", "subscribed", "unsubscribe", "unsubscribed", "event", "ack", "ping", "pong", "error"}
CLOSE_CODES = {1001: "going away", 1009: "too big", 4401: "ticket", 4403: "forbidden topic", 4429: "slow consumer"}


@cache
def load(path: Path) -> Any:
    return json.loads(path.read_text()) if path.suffix == ".json" else yaml.safe_load(path.read_text())


def document() -> dict:
    return load(DOCUMENT)


def resolve(node: Any, base: Path = DOCUMENT) -> tuple[Any, Path]:
    """Follow a $ref (local or relative file) once more until the node is not a reference."""
    while isinstance(node, dict) and set(node) == {"$ref"}:
        target, fragment = urldefrag(node["$ref"])
        base = (base.parent / target).resolve() if target else base
        node = load(base)
        for token in [t for t in fragment.split("/") if t]:
            node = node[unquote(token).replace("~1", "/").replace("~0", "~")]
    return node, base


def registry() -> Registry:
    def retrieve(uri: str) -> Resource:
        if uri.startswith(SCHEMA_BASE):
            name = uri.removeprefix(SCHEMA_BASE).removesuffix(".json")
            path = CONTRACTS / "events" / ("cloudevent.schema.json" if name == "cloudevent" else f"schemas/{name}.schema.json")
        else:
            path = Path(unquote(uri.removeprefix("file://")))
        return Resource.from_contents(load(path), default_specification=DRAFT202012)

    return Registry(retrieve=retrieve)


def messages() -> dict[str, dict]:
    return document()["components"]["messages"]


def test_asyncapi_version_and_channels() -> None:
    doc = document()
    assert doc["asyncapi"] == "3.0.0"
    addresses = {channel["address"] for channel in doc["channels"].values()}
    assert addresses == {*STREAMS, *(f"{s}.dlq" for s in STREAMS), "/ws/notifications"}


@pytest.mark.parametrize("stream", sorted(STREAMS))
def test_stream_mapping_retention_and_groups(stream: str) -> None:
    channels = {c["address"]: c for c in document()["channels"].values()}
    redis = channels[stream]["x-redis-stream"]
    assert redis["entry_fields"] == ["cloudevent"], "exactly one field, `cloudevent`"
    assert redis["retention_entries"] == STREAMS[stream] and redis["retention"] == f"MAXLEN ~ {STREAMS[stream]}"
    assert redis["dead_letter_stream"] == f"{stream}.dlq"
    assert redis["consumer_groups"], "who reads it"
    dlq = channels[f"{stream}.dlq"]["x-redis-stream"]
    assert dlq["retention_entries"] == 10000
    assert dlq["entry_fields"] == ["cloudevent", "stream", "entry_id", "group", "consumer", "deliveries", "error", "failed_at"]
    handled = {t for group in redis["consumer_groups"] for t in group["handles"]}
    carried = {resolve(m)[0]["name"] for m in channels[stream]["messages"].values()}
    assert handled <= carried, f"{stream}: groups handle types the channel does not carry: {handled - carried}"
    if stream in JOB_REQUESTS:
        assert carried == {JOB_REQUESTS[stream]}


def test_delivery_semantics_are_documented() -> None:
    delivery = document()["info"]["x-delivery"]
    assert delivery["guarantee"] == "at-least-once"
    assert delivery["max_deliveries"] == 5 and delivery["batch_size"] == 16 and delivery["block_ms"] == 2000
    assert delivery["reclaim"]["min_idle_ms"] == 30000 and delivery["reclaim"]["interval_ms"] == 5000
    assert delivery["idempotency"]["window_ms"] == 24 * 3600 * 1000
    assert "SET {<stream>}:<group>:processed:<event id>" in delivery["ack"] and "one XACK" in delivery["ack"]
    assert delivery["idempotency"]["key"] == "{<stream>}:<group>:processed:<event id>"
    assert "then, as a second command, XACK" in delivery["dead_letter"]["command"]
    assert "one pipelined round trip" in delivery["idempotency"]["behaviour"]
    assert "JUSTID" in delivery["lease"]["python"] and "events_lease_renewals_failed_total" in delivery["lease"]["python"]
    for field in ("stream", "entry_id", "group", "consumer", "deliveries", "error", "failed_at"):
        assert f" {field} " in delivery["dead_letter"]["command"], field


def test_every_event_schema_is_a_message_payload() -> None:
    """Each payload schema is referenced by exactly one message, as the `data` of a CloudEvent of its type."""
    by_type: dict[str, list[str]] = {}
    for key, message in messages().items():
        if "x-cloudevent-type" not in message:
            continue
        event_type = message["x-cloudevent-type"]
        envelope, specific = message["payload"]["allOf"]
        assert envelope == {"$ref": "../events/cloudevent.schema.json"}, key
        assert specific["properties"]["type"] == {"const": event_type}, key
        assert specific["properties"]["dataschema"] == {"const": f"{SCHEMA_BASE}{event_type}.json"}, key
        assert specific["properties"]["data"] == {"$ref": f"../events/schemas/{event_type}.schema.json"}, key
        assert message["name"] == event_type
        by_type.setdefault(event_type, []).append(key)
    schemas = {p.name.removesuffix(".schema.json") for p in (CONTRACTS / "events" / "schemas").glob("*.schema.json")}
    assert set(by_type) == schemas
    assert all(len(keys) == 1 for keys in by_type.values()), by_type


def test_every_message_is_used_by_a_channel_and_an_operation() -> None:
    doc = document()
    in_channels = {m["$ref"].rsplit("/", 1)[1] for c in doc["channels"].values() for m in c["messages"].values()}
    assert in_channels == set(messages())
    for name, operation in doc["operations"].items():
        channel, _ = resolve(operation["channel"])
        for reference in operation.get("messages", []):
            assert reference["$ref"].startswith(operation["channel"]["$ref"] + "/messages/"), name
        assert channel["address"]
    sent = {m["$ref"] for o in doc["operations"].values() if o["action"] == "send" for m in o["messages"]}
    received = {m["$ref"] for o in doc["operations"].values() if o["action"] == "receive" for m in o["messages"]}
    for stream, event_type in JOB_REQUESTS.items():
        key = next(k for k, c in doc["channels"].items() if c["address"] == stream)
        ref = f"#/channels/{key}/messages/" + next(iter(doc["channels"][key]["messages"]))
        assert ref in sent and ref in received, f"{event_type}: someone queues it and a worker takes it"


def message_examples() -> list[tuple[str, int]]:
    return [(key, i) for key, message in messages().items() for i in range(len(message.get("examples", [])))]


def test_every_message_has_an_example() -> None:
    assert {key for key, _ in message_examples()} == set(messages())


@pytest.mark.parametrize(("key", "index"), message_examples())
def test_message_example_matches_its_payload(key: str, index: int) -> None:
    example, _ = resolve(messages()[key]["examples"][index]["payload"])
    schema = {"$ref": DOCUMENT.resolve().as_uri() + f"#/components/messages/{key}/payload"}
    validator = Draft202012Validator(schema, registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(example)] == []


def test_a_wrong_example_is_caught() -> None:
    schema = {"$ref": DOCUMENT.resolve().as_uri() + "#/components/messages/userRegistered/payload"}
    validator = Draft202012Validator(schema, registry=registry())
    example, _ = resolve(messages()["userRegistered"]["examples"][0]["payload"])
    assert not validator.is_valid({**example, "data": {**example["data"], "role": "root"}})
    assert not validator.is_valid({**example, "type": "user.deleted"})


def test_websocket_protocol() -> None:
    channel = next(c for c in document()["channels"].values() if c["address"] == "/ws/notifications")
    frames = {}
    for reference in channel["messages"].values():
        message, base = resolve(reference)
        payload, schema_file = resolve(message["payload"], base)
        assert schema_file.parent == CONTRACTS / "websocket" / "schemas", "frames are JSON Schemas the generators read"
        frames[message["name"]] = payload
        assert payload["properties"]["type"] == {"type": "string", "const": message["name"]}, "every frame says its type"
        assert "type" in payload["required"]
    assert set(frames) == WS_MESSAGES
    assert "id" in frames["event"]["required"] and "id" in frames["ack"]["required"]
    topic = load(CONTRACTS / "websocket" / "schemas" / "topic.schema.json")["pattern"]
    assert "user:" in topic and "admin" in topic and "broadcast" in topic
    assert channel["bindings"]["ws"]["query"]["required"] == ["ticket"]
    codes = {entry["code"]: entry["reason"] for entry in channel["x-close-codes"]}
    for code, words in CLOSE_CODES.items():
        assert code in codes and words in codes[code], (code, words)


def test_shared_redis_keys_are_declared_with_owner_and_readers() -> None:
    channel = next(c for c in document()["channels"].values() if c["address"] == "/ws/notifications")
    keys = {entry["name"]: entry for entry in channel["x-redis-keys"]}
    ticket = keys["websocket_ticket"]
    assert ticket["key"] == "notification:ticket:<ticket>"
    assert ticket["owner"] == "notification-service" and "gateway" in ticket["reads"]
    for entry in keys.values():
        assert {"name", "key", "owner", "value", "ttl", "writes", "reads"} <= set(entry), entry["name"]
