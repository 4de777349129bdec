"""The launcher's own logic; starting and stopping real processes is covered by the e2e suite."""

import socket
from pathlib import Path

import pytest

from launcher.config import PARTS, PLATFORM_VARIABLES, load_settings, port_in_use, read_env_file
from launcher.console import LauncherError
from launcher.supervisor import LogFollower, Supervisor

ROOT = Path(__file__).resolve().parents[2]


def test_env_file_parsing_handles_comments_quotes_and_export(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text('# comment\nexport ADMIN_EMAIL=admin@example.com\nADMIN_PASSWORD="a b=c"\n\nEMPTY=\nnot a pair\n')
    assert read_env_file(env_file) == {"ADMIN_EMAIL": "admin@example.com", "ADMIN_PASSWORD": "a b=c", "EMPTY": ""}


def test_every_variable_of_env_example_is_known_to_the_launcher():
    documented = set(read_env_file(ROOT / ".env.example"))
    # POSTGRES_PASSWORD configures the compose PostgreSQL container only.
    assert documented - {"POSTGRES_PASSWORD"} == set(PLATFORM_VARIABLES)


def test_empty_values_fall_back_to_the_defaults(tmp_path):
    settings = load_settings(data_dir=tmp_path, environ={"GATEWAY_PORT": "", "AUTH_PORT": "9181"})
    assert settings.ports["gateway"] == 8080
    assert settings.ports["auth-service"] == 9181
    assert settings.external_redis_url is None


def test_services_are_told_every_port_and_where_redis_is(tmp_path):
    settings = load_settings(data_dir=tmp_path, environ={"REDIS_PORT": "7001", "ADMIN_EMAIL": "a@example.com"})
    gateway = next(p for p in PARTS if p.name == "gateway")
    env = settings.child_env(gateway)
    assert env["REDIS_URL"] == "redis://127.0.0.1:7001/0"
    assert env["AUTH_SERVICE_URL"] == "http://127.0.0.1:8081"
    assert env["ADMIN_EMAIL"] == "a@example.com"
    assert env["PLATFORM_DATA_DIR"] == str(tmp_path.resolve())


def test_a_given_redis_url_means_no_redis_of_our_own(tmp_path):
    settings = load_settings(data_dir=tmp_path, environ={"REDIS_URL": "redis://elsewhere:6379/0"})
    assert "redis" not in [p.name for p in settings.parts()]
    assert settings.redis_url == "redis://elsewhere:6379/0"


def test_a_taken_port_is_named_in_the_error(tmp_path):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert port_in_use(port)
        settings = load_settings(data_dir=tmp_path, environ={"AUTH_PORT": str(port)})
        with pytest.raises(LauncherError, match=rf"port {port} \(auth-service, AUTH_PORT\) is already in use"):
            Supervisor(settings).check_ports(settings.parts())


def test_log_follower_prefixes_complete_lines_only(tmp_path, capsys):
    log = tmp_path / "auth-service.log"
    log.write_text("old line\n")
    follower = LogFollower({"auth-service": log, "gateway": tmp_path / "gateway.log"})
    with log.open("a") as out:
        out.write("started\nhalf a li")
    follower.pump()
    with log.open("a") as out:
        out.write("ne\n")
    follower.pump()
    follower.close()
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["auth-service | started", "auth-service | half a line"]
