"""`python -m service_kit.events publish|consume`: the events tool of the cross-language test and benchmark."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from service_kit.redis_client import RedisClient
from service_kit.settings import RedisSettings
from service_kit_testing.events import delete_keys_of_stream

pytestmark = pytest.mark.anyio

REPORT_READY = {"report_id": "d4c3b2a1-0f9e-4d8c-b7a6-5f4e3d2c1b0a", "user_id": "3f2c1d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f",
                "report_type": "inference-usage", "formats": ["csv", "json"],
                "download_url": "/api/reports/d4c3b2a1-0f9e-4d8c-b7a6-5f4e3d2c1b0a/download", "row_count": 31,
                "completed_at": "2026-11-24T17:41:09.999999Z"}


def run_tool(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "service_kit.events", *args], capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture
def to_redis(redis_settings: RedisSettings) -> list[str]:
    """The tool's flags for the tests' Redis: --redis-cluster-nodes in the `cluster` suite, else --redis-url."""
    if redis_settings.redis_cluster_nodes:
        return ["--redis-cluster-nodes", redis_settings.environment()["REDIS_CLUSTER_NODES"]]
    return ["--redis-url", redis_settings.redis_url]


async def test_publish_then_consume_with_the_tool(redis: RedisClient, to_redis: list[str],
                                                  unique_name: Callable[[str], str], tmp_path: Path):
    stream = unique_name("test.tool")
    published = run_tool("publish", *to_redis, "--stream", stream, "--count", "25",
                         "--type", "report.ready", "--source", "/reporting-bridge", "--data-json", json.dumps(REPORT_READY))
    assert published.returncode == 0, published.stderr
    summary = json.loads(published.stdout)
    assert summary["published"] == 25 and summary["seconds"] > 0 and summary["per_second"] > 0

    ids_file = tmp_path / "ids.jsonl"
    consumed = run_tool("consume", *to_redis, "--stream", stream, "--group", "tool", "--count", "25",
                        "--warmup", "5", "--timeout-seconds", "30", "--ids-file", str(ids_file))
    assert consumed.returncode == 0, consumed.stderr
    result = json.loads(consumed.stdout)
    assert set(result) == {"consumed", "measured", "seconds", "per_second", "p50_ms", "p99_ms", "duplicates_skipped"}
    assert result["consumed"] == 25 and result["duplicates_skipped"] == 0
    assert result["measured"] == 20, "the warm-up events are handled, not measured"
    assert 0 <= result["p50_ms"] <= result["p99_ms"]

    lines = [json.loads(line) for line in ids_file.read_text().splitlines()]
    try:
        entries = [json.loads(fields["cloudevent"]) for _, fields in await redis.xrange(stream)]
        assert [line["id"] for line in lines] == [entry["id"] for entry in entries]
        assert {entry["source"] for entry in entries} == {"/reporting-bridge"}
        assert all(entry["data"] == REPORT_READY for entry in entries)
        assert all(set(line) == {"id", "type", "source", "traceparent", "latency_ms"} for line in lines)
        assert (await redis.xpending(stream, "tool"))["pending"] == 0
    finally:
        await delete_keys_of_stream(redis, stream)


@pytest.mark.parametrize("rate", ["0", "2000"])
async def test_pipelined_publishing_writes_every_event_once_in_order(redis: RedisClient, to_redis: list[str],
                                                                     unique_name: Callable[[str], str], rate: str):
    stream = unique_name("test.tool")
    count = 2500  # more than one round trip's worth (MAX_EVENTS_PER_ROUND_TRIP) when not paced
    published = run_tool("publish", *to_redis, "--stream", stream, "--count", str(count), "--rate", rate,
                         "--publishing", "pipelined", "--type", "report.ready", "--data-json", json.dumps(REPORT_READY))
    try:
        assert published.returncode == 0, published.stderr
        assert json.loads(published.stdout)["published"] == count
        entries = [json.loads(fields["cloudevent"]) for _, fields in await redis.xrange(stream)]
        assert len(entries) == count
        assert len({entry["id"] for entry in entries}) == count, "no event written twice"
        assert [entry["time"] for entry in entries] == sorted(entry["time"] for entry in entries), "in order"
    finally:
        await delete_keys_of_stream(redis, stream)


def test_publishing_is_awaited_or_pipelined():
    refused = run_tool("publish", "--redis-url", "redis://127.0.0.1:1/0", "--stream", "s", "--count", "1",
                       "--publishing", "later", "--data-json", "{}")
    assert refused.returncode == 2
    assert "--publishing: invalid choice: 'later'" in refused.stderr


async def test_consume_fails_after_its_timeout_when_too_few_events_come(redis: RedisClient, to_redis: list[str],
                                                                        unique_name: Callable[[str], str]):
    stream = unique_name("test.tool")
    assert run_tool("publish", *to_redis, "--stream", stream, "--count", "2", "--type", "report.ready",
                    "--data-json", json.dumps(REPORT_READY)).returncode == 0
    consumed = run_tool("consume", *to_redis, "--stream", stream, "--group", "tool", "--count", "3",
                        "--timeout-seconds", "1")
    assert consumed.returncode == 1
    assert json.loads(consumed.stdout)["consumed"] == 2
    await delete_keys_of_stream(redis, stream)


async def test_publish_refuses_data_that_is_not_a_payload_of_the_type(redis: RedisClient, to_redis: list[str],
                                                                       unique_name: Callable[[str], str]):
    stream = unique_name("test.tool")
    published = run_tool("publish", *to_redis, "--stream", stream, "--count", "1",
                         "--type", "report.ready", "--data-json", '{"report_id":"r1"}')
    assert published.returncode != 0
    assert "--data-json is not a valid report.ready payload" in published.stderr
    assert "user_id" in published.stderr  # pydantic names each missing member
    unknown = run_tool("publish", *to_redis, "--stream", stream, "--count", "1",
                       "--type", "demo.unknown", "--data-json", "{}")
    assert unknown.returncode == 2 and "invalid choice: 'demo.unknown'" in unknown.stderr
    assert await redis.exists(stream) == 0, "nothing was sent"


@pytest.mark.parametrize(("flags", "error"), [
    ([], "one of the arguments --redis-url --redis-cluster-nodes is required"),
    (["--redis-url", "redis://localhost:6379/0", "--redis-cluster-nodes", "localhost:7000"],
     "argument --redis-cluster-nodes: not allowed with argument --redis-url"),
    (["--redis-cluster-nodes", "localhost"], "argument --redis-cluster-nodes: must be comma-separated host:port"),
    (["--redis-cluster-nodes", " , "], "argument --redis-cluster-nodes: must be comma-separated host:port"),
])
def test_the_tool_takes_exactly_one_redis_a_url_or_cluster_nodes(flags: list[str], error: str):
    refused = run_tool("publish", *flags, "--stream", "s", "--count", "1", "--data-json", "{}")
    assert refused.returncode == 2 and error in refused.stderr, refused.stderr
