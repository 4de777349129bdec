from pathlib import Path

import pytest

from service_kit.server import run
from service_kit.settings import ServiceSettings, read_port


def test_defaults_are_the_platforms():
    settings = ServiceSettings.from_env({})
    assert settings.redis_url == "redis://localhost:6379/0"
    assert settings.bind_address == "0.0.0.0"
    assert settings.log_format == "text"
    assert settings.data_dir == Path("var")
    host, _, pid = settings.instance_id.rpartition("-")
    assert host and pid.isdigit()


def test_values_come_from_the_environment_and_empty_means_default():
    settings = ServiceSettings.from_env({
        "REDIS_URL": "redis://cache:6380/2",
        "BIND_ADDRESS": "",
        "LOG_FORMAT": "json",
        "INSTANCE_ID": "pod-7",
        "PLATFORM_DATA_DIR": "/data",
    })
    assert settings.redis_url == "redis://cache:6380/2"
    assert settings.bind_address == "0.0.0.0"
    assert settings.log_format == "json"
    assert settings.instance_id == "pod-7"
    assert settings.data_dir == Path("/data")


def test_an_unknown_log_format_is_refused():
    with pytest.raises(ValueError, match="LOG_FORMAT must be one of text, json"):
        ServiceSettings.from_env({"LOG_FORMAT": "yaml"})


def test_ports_are_read_and_checked():
    assert read_port({}, "DEMO_PORT", 8001) == 8001
    assert read_port({"DEMO_PORT": "18001"}, "DEMO_PORT", 8001) == 18001
    with pytest.raises(ValueError, match="DEMO_PORT must be a port number"):
        read_port({"DEMO_PORT": "http"}, "DEMO_PORT", 8001)
    with pytest.raises(ValueError, match="DEMO_PORT must be between 1 and 65535"):
        read_port({"DEMO_PORT": "70000"}, "DEMO_PORT", 8001)


def test_run_stops_with_a_message_on_bad_configuration(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DEMO_PORT", "eighty")
    with pytest.raises(SystemExit, match="Invalid configuration: DEMO_PORT must be a port number"):
        run("unused:app", port_env="DEMO_PORT", default_port=8001)
