"""`./platform sandbox`: what a sandbox is started with, what it prints, and that stdout carries the JSON line alone.
Starting and stopping a real one is covered by the examples suite (./platform test examples), whose plugin fails a
session whose sandbox left a process or a port behind."""

import argparse
import json
from pathlib import Path

import pytest

from launcher import sandbox
from launcher.config import SERVICES, free_ports, load_settings
from launcher.console import step


def test_a_sandbox_starts_from_none_of_the_developers_platform_variables(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://developer:6379/0")
    monkeypatch.setenv("AUTH_DATABASE_URL", "postgresql://developer/auth")
    monkeypatch.setenv("PLATFORM_OBSERVABILITY", "on")

    environ = sandbox.sandbox_environ("admin@example.com", "pw", faults=False, observability=False)

    assert "REDIS_URL" not in environ and "AUTH_DATABASE_URL" not in environ  # its own Redis, embedded databases
    assert environ["ADMIN_EMAIL"] == "admin@example.com" and environ["ADMIN_PASSWORD"] == "pw"
    assert environ["PLATFORM_OBSERVABILITY"] == "off" and environ["PLATFORM_FAULTS"] == "off"
    assert environ["MODEL_DIR"] == str(sandbox.SANDBOX_MODEL_DIR)
    assert "-XX:TieredStopAtLevel=1" in environ["JAVA_OPTS"]


def test_the_description_names_every_service_its_redis_and_its_fault_proxy(tmp_path):
    environ = sandbox.sandbox_environ("a@example.com", "pw", faults=True, observability=False)
    settings = load_settings(data_dir=tmp_path, ports=free_ports(), environ=environ)

    described = sandbox.describe(settings, "a@example.com", "pw", 21.04)

    assert described["gateway_url"] == f"http://127.0.0.1:{settings.ports['gateway']}"
    assert set(described["service_urls"]) == {part.name for part in SERVICES}
    assert described["redis_url"] == f"redis://127.0.0.1:{settings.ports['redis']}/0"
    assert described["faults_url"] == f"http://127.0.0.1:{settings.ports['fault-proxy']}"
    assert described["data_dir"] == str(tmp_path)
    assert described["started_in_seconds"] == 21.0
    settings.faults = False
    assert sandbox.describe(settings, "a", "b", 1)["faults_url"] == ""


def test_start_prints_the_json_line_alone_on_stdout_and_its_progress_on_stderr(monkeypatch, capsys):
    description = {"gateway_url": "http://127.0.0.1:1", "data_dir": "/x"}

    def start(data_dir: Path | None, faults: bool, observability: bool, scale: str) -> dict:
        step("starting a sandbox")  # what the launcher prints as it goes
        print("a line of a build")
        return description

    monkeypatch.setattr(sandbox, "start", start)
    monkeypatch.setattr(sandbox, "stop_on_signals", lambda: None)

    code = sandbox.cmd_sandbox(argparse.Namespace(action="start", data_dir=None, faults=False, observability=False,
                                                  scale=None))

    out, err = capsys.readouterr()
    assert code == 0
    assert out.splitlines() == [json.dumps(description)]
    assert "starting a sandbox" in err and "a line of a build" in err


@pytest.mark.parametrize(("scale", "faults", "reason"), [
    ("gateway=2", False, "gateway cannot be scaled"),
    ("auth-service=2", False, "auth-service can only be scaled with AUTH_DATABASE_URL"),
    ("inference-worker=2", True, "--faults (PLATFORM_FAULTS) cannot be combined with --scale"),
])
def test_a_sandbox_refuses_a_bad_scale_with_status_2_before_making_anything(monkeypatch, tmp_path, capsys, scale,
                                                                             faults, reason):
    monkeypatch.setattr(sandbox, "SANDBOXES_DIR", tmp_path)
    monkeypatch.setattr(sandbox, "stop_on_signals", lambda: None)

    code = sandbox.cmd_sandbox(argparse.Namespace(action="start", data_dir=None, faults=faults, observability=False,
                                                  scale=scale))

    assert code == 2
    assert reason in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [], "no sandbox folder was made"


def test_a_scaled_sandbox_describes_every_instance(tmp_path):
    settings = load_settings(data_dir=tmp_path, ports=free_ports(),
                             environ=sandbox.sandbox_environ("a", "b", False, False, "inference-worker=2"))
    urls = sandbox.describe(settings, "a", "b", 1)["service_urls"]
    assert urls["inference-worker-2"] == f"http://127.0.0.1:{settings.ports['inference-worker-2']}"
    assert urls["inference-worker"] != urls["inference-worker-2"]


def test_a_new_data_folder_is_made_under_var_sandboxes_each_time(monkeypatch, tmp_path):
    monkeypatch.setattr(sandbox, "SANDBOXES_DIR", tmp_path)

    first, second = sandbox.new_data_dir(), sandbox.new_data_dir()

    assert first != second and first.parent == second.parent == tmp_path and first.is_dir()
