"""Java and Python speak the same event backbone: each publishes, the other consumes, over a real Redis.

Each direction goes through the shipped tools (the backbones' own publisher and consumer), then the
stream itself is read raw to check that nothing was lost, duplicated or reshaped on the way, and that
every event on the wire is valid for the contract (envelope and payload schemas of contracts/events).
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from jsonschema import Draft202012Validator

from interop.events_tools import ROOT, broadcast_data, finish_tool, run_tool, start_tool
from launcher.config import free_port
from service_kit_testing.redis_server import PrivateRedis

DIRECTIONS = [("java", "python"), ("python", "java")]
COUNT = 200
EVENTS = ROOT / "contracts" / "events"


def contract_validator(path: Path) -> Draft202012Validator:
    return Draft202012Validator(json.loads(path.read_text()), format_checker=Draft202012Validator.FORMAT_CHECKER)


ENVELOPE = contract_validator(EVENTS / "cloudevent.schema.json")
BROADCAST = contract_validator(EVENTS / "schemas" / "notification.broadcast.schema.json")


@pytest.fixture
def stream() -> str:
    return f"interop.{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class RedisUnderTest:
    """A Redis the tools are pointed at: their connection flags, and a client to read the stream raw."""

    tool_flags: list[str]

    def client(self) -> redis.Redis | redis.RedisCluster:
        kind, where = self.tool_flags
        if kind == "--redis-cluster-nodes":
            host, port = where.split(",")[0].rsplit(":", 1)
            return redis.RedisCluster(host=host, port=int(port), decode_responses=True)
        return redis.Redis.from_url(where, decode_responses=True)


@pytest.fixture(params=["test-redis", "bundled-redis-6.2", "redis-cluster"])
def redis_under_test(request: pytest.FixtureRequest, redis_url: str, tmp_path: Path) -> Iterator[RedisUnderTest]:
    """The suite's Redis (7.x), the 6.2 that ./platform falls back to without a redis-server on PATH, and the suite's
    three-master Redis Cluster (REDIS_CLUSTER_NODES)."""
    if request.param == "test-redis":
        yield RedisUnderTest(["--redis-url", redis_url])
        return
    if request.param == "redis-cluster":
        nodes = os.environ.get("REDIS_CLUSTER_NODES")
        if not nodes:
            pytest.fail("REDIS_CLUSTER_NODES is not set: run ./platform test interop (it starts a Redis Cluster)",
                        pytrace=False)
        yield RedisUnderTest(["--redis-cluster-nodes", nodes])
        return
    binary = os.environ.get("BUNDLED_REDIS_SERVER")
    if not binary:
        pytest.fail("BUNDLED_REDIS_SERVER is not set: run ./platform test interop (it fetches the bundled Redis)",
                    pytrace=False)
    directory = tmp_path / "bundled-redis"
    directory.mkdir()
    server = PrivateRedis(binary=binary, port=free_port(), directory=directory)
    server.start()
    try:
        assert redis.Redis.from_url(server.url).info("server")["redis_version"].startswith("6.2.")
        yield RedisUnderTest(["--redis-url", server.url])
    finally:
        server.stop()


@pytest.mark.parametrize("publishing", ["awaited", "pipelined"])
@pytest.mark.parametrize(("publisher", "consumer"), DIRECTIONS, ids=[f"{p}-to-{c}" for p, c in DIRECTIONS])
def test_every_event_published_by_one_language_is_consumed_once_by_the_other(
        publisher: str, consumer: str, publishing: str, stream: str, redis_under_test: RedisUnderTest,
        tmp_path: Path) -> None:
    connection = redis_under_test.tool_flags
    ids_file = tmp_path / "handled.jsonl"
    consuming = start_tool(consumer, ["consume", *connection, "--stream", stream, "--group", "interop",
                                      "--count", str(COUNT), "--timeout-seconds", "120", "--ids-file", str(ids_file)])
    published = run_tool(publisher, ["publish", *connection, "--stream", stream, "--count", str(COUNT),
                                     "--type", "notification.broadcast", "--source", f"/{publisher}-interop",
                                     "--publishing", publishing,
                                     "--data-json", broadcast_data(f"hello from {publisher}")])
    summary = finish_tool(consuming, consumer)

    assert published["published"] == COUNT
    assert summary["consumed"] == COUNT
    handled = [json.loads(line) for line in ids_file.read_text().splitlines()]
    client = redis_under_test.client()
    on_the_wire = [json.loads(fields["cloudevent"]) for _, fields in client.xrange(stream)]
    assert all(set(fields) == {"cloudevent"} for _, fields in client.xrange(stream)), "one field per entry"
    for event in on_the_wire:
        ENVELOPE.validate(event)
        BROADCAST.validate(event["data"])
    assert sorted(h["id"] for h in handled) == sorted(e["id"] for e in on_the_wire)
    assert len({h["id"] for h in handled}) == COUNT, "each event handled exactly once"
    assert {h["source"] for h in handled} == {f"/{publisher}-interop"}
    assert all(h["traceparent"] == e["traceparent"] for h, e in zip(
        sorted(handled, key=lambda h: h["id"]), sorted(on_the_wire, key=lambda e: e["id"])))
    assert client.xpending(stream, "interop")["pending"] == 0, "everything acknowledged"


@pytest.mark.parametrize("language", ["java", "python"])
def test_the_tools_sample_as_a_service_does(language: str, stream: str, redis_url: str) -> None:
    """TRACING_SAMPLING_PROBABILITY reaches each tool as it reaches a service (the benchmark's tracing cost rests on
    it): 1.0, the default, records each event's trace and says so in its traceparent's flags (01); 0.0 records
    nothing and still propagates (00); a value outside 0..1 is refused before anything is sent."""
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    publish = ["publish", "--redis-url", redis_url, "--count", "3", "--data-json", broadcast_data("sampled?")]
    try:
        for sampling, flags in (("", "01"), ("1.0", "01"), ("0.0", "00")):
            sampled_stream = f"{stream}.{sampling or 'default'}"
            run_tool(language, [*publish, "--stream", sampled_stream], env={"TRACING_SAMPLING_PROBABILITY": sampling})
            traceparents = [json.loads(fields["cloudevent"])["traceparent"] for _, fields in client.xrange(sampled_stream)]
            assert len(traceparents) == 3 and len(set(traceparents)) == 3, "each event starts a trace of its own"
            assert {traceparent[-2:] for traceparent in traceparents} == {flags}, f"sampling {sampling!r}"
        with pytest.raises(RuntimeError, match="TRACING_SAMPLING_PROBABILITY"):
            run_tool(language, [*publish, "--stream", f"{stream}.refused"], env={"TRACING_SAMPLING_PROBABILITY": "2"})
        assert client.exists(f"{stream}.refused") == 0, "nothing was sent"
    finally:
        client.delete(*client.keys(f"{stream}*"))
        client.close()
