"""X-Request-Id is taken from the caller when safe, created otherwise, returned, and in every log line."""

import io
import json
import logging
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from service_kit.logs import RequestIdFilter, build_formatter


def test_the_callers_request_id_is_returned(client: TestClient):
    response = client.get("/api/demo/items", headers={"X-Request-Id": "gateway-7f3a"})
    assert response.headers["x-request-id"] == "gateway-7f3a"


def test_a_request_id_is_created_when_the_caller_sent_none(client: TestClient):
    first = client.get("/api/demo/items").headers["x-request-id"]
    second = client.get("/api/demo/items").headers["x-request-id"]
    assert uuid.UUID(first) and uuid.UUID(second)
    assert first != second


@pytest.mark.parametrize("unsafe", ['id" injected="1', "x" * 129, "ümlaut"], ids=["quote", "too-long", "non-ascii"])
def test_an_unsafe_request_id_is_replaced(client: TestClient, unsafe: str):
    response = client.get("/api/demo/items", headers={"X-Request-Id": unsafe.encode()})
    assert uuid.UUID(response.headers["x-request-id"])


def test_errors_carry_the_request_id_too(client: TestClient):
    response = client.get("/no/such/path", headers={"X-Request-Id": "lost-1"})
    assert response.status_code == 404
    assert response.headers["x-request-id"] == "lost-1"


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """What the root logger writes, formatted as the services do with LOG_FORMAT=json."""
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.setFormatter(build_formatter("json"))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield output
    root.removeHandler(handler)
    root.setLevel(previous_level)


def test_log_lines_are_json_with_the_request_id(client: TestClient, json_log: io.StringIO):
    client.get("/api/demo/items/7", headers={"X-Request-Id": "trace-me"})
    client.get("/api/demo/crash", headers={"X-Request-Id": "crash-me"})

    entries = [json.loads(line) for line in json_log.getvalue().splitlines()]
    access = next(e for e in entries if e["logger"] == "service_kit.access" and e["request_id"] == "trace-me")
    assert access["route"] == "/api/demo/items/{item_id}"
    assert access["status"] == 200
    assert access["level"] == "INFO"
    assert access["timestamp"].endswith("Z")
    failure = next(e for e in entries if e["level"] == "ERROR")
    assert failure["request_id"] == "crash-me"
    assert "RuntimeError" in failure["exception"], "the log, unlike the response, has the traceback"


def test_text_log_lines_show_the_request_id():
    formatter = build_formatter("text")
    with_id = logging.makeLogRecord({"msg": "hello", "levelname": "INFO", "name": "demo", "request_id": "abc"})
    without_id = logging.makeLogRecord({"msg": "hello", "levelname": "INFO", "name": "demo"})
    assert "[abc] demo: hello" in formatter.format(with_id)
    assert "[-] demo: hello" in formatter.format(without_id)
