"""The pure parts of the plugin: reading what `./platform sandbox start` prints, attaching, finding the platform,
matching events. What needs a platform is proven by the example project (examples/python-usage-digest)."""

import json
import uuid
from pathlib import Path

import pytest
from contract_types.events import UserRegistered
from platform_sandbox.events import matching, summary
from platform_sandbox.sandbox import (
    Sandbox,
    SandboxError,
    find_platform_home,
    parse_start_output,
)
from platform_sandbox.users import origin_of, unique_email
from service_kit.events import TypedEvent, new_event

DESCRIPTION = {
    "gateway_url": "http://127.0.0.1:40001", "service_urls": {"auth-service": "http://127.0.0.1:40002"},
    "redis_url": "redis://127.0.0.1:40003/0", "faults_url": "", "data_dir": "/tmp/sandbox-x",
    "admin_email": "sandbox-admin-1@example.com", "admin_password": "secret", "started_in_seconds": 21.5,
}


def test_the_last_line_of_the_start_output_is_the_sandbox():
    sandbox = parse_start_output("\n" + json.dumps(DESCRIPTION) + "\n")

    assert sandbox.gateway_url == "http://127.0.0.1:40001"
    assert sandbox.websocket_url == "ws://127.0.0.1:40001"
    assert sandbox.data_dir == Path("/tmp/sandbox-x")
    assert sandbox.started_in_seconds == 21.5
    assert not sandbox.attached


@pytest.mark.parametrize("output", ["", "==> starting\n", "[1, 2]\n", json.dumps({"redis_url": "x"})])
def test_an_output_without_a_description_says_what_it_got(output):
    with pytest.raises(SandboxError):
        parse_start_output(output)


def test_a_gateway_url_in_the_environment_attaches():
    sandbox = Sandbox.from_environment({"PLATFORM_GATEWAY_URL": "https://platform.test/", "PLATFORM_REDIS_URL": "r"})

    assert sandbox is not None and sandbox.attached
    assert sandbox.gateway_url == "https://platform.test"
    assert sandbox.websocket_url == "wss://platform.test"
    assert Sandbox.from_environment({}) is None


def test_an_attached_session_is_told_which_variable_a_fixture_needs():
    sandbox = Sandbox.from_environment({"PLATFORM_GATEWAY_URL": "http://localhost:8080"})

    with pytest.raises(SandboxError, match="PLATFORM_ADMIN_EMAIL"):
        sandbox.require("an admin", sandbox.admin_email, "PLATFORM_ADMIN_EMAIL")


def test_the_platform_is_found_upwards_or_from_platform_home(tmp_path):
    (tmp_path / "launcher").mkdir()
    (tmp_path / "launcher" / "sandbox.py").touch()
    (tmp_path / "platform").touch()
    project = tmp_path / "examples" / "mine" / "tests"
    project.mkdir(parents=True)

    assert find_platform_home(project, {}) == tmp_path
    assert find_platform_home(Path("/"), {"PLATFORM_HOME": str(tmp_path)}) == tmp_path
    with pytest.raises(SandboxError, match="PLATFORM_HOME"):
        find_platform_home(project, {"PLATFORM_HOME": str(project)})


def registered(email: str) -> TypedEvent:
    payload = UserRegistered.model_validate({"user_id": str(uuid.uuid4()), "email": email, "name": "Ann", "role": "user",
                                         "registered_at": "2026-12-03T10:00:00Z"})
    return TypedEvent(new_event(payload, source="/auth-service"), payload)


def test_an_event_is_returned_once_and_only_when_its_type_and_predicate_match():
    first, second = registered("a@example.com"), registered("b@example.com")
    events = [first, second]

    assert list(matching(events, "user.registered", None, set())) == [first, second]
    assert list(matching(events, "user.registered", lambda e: e.data.email == "b@example.com", set())) == [second]
    assert list(matching(events, "user.registered", None, {first.id})) == [second]
    assert list(matching(events, "user.deleted", None, set())) == []
    assert summary(events) == "2 x user.registered"
    assert summary([]) == "nothing"


def test_users_get_unique_addresses_and_the_feed_the_gateways_origin():
    assert unique_email() != unique_email()
    assert unique_email().endswith("@example.com")
    assert origin_of("http://127.0.0.1:40001/api") == "http://127.0.0.1:40001"
