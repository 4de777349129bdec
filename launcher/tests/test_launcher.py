"""The launcher's own logic; starting and stopping real processes is covered by the e2e suite."""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from launcher import build
from launcher.config import (COMPOSE_REPLICAS_VARIABLES, PARTS, PLATFORM_VARIABLES, free_port, load_settings, port_in_use,
                             read_env_file)
from launcher.console import LauncherError
from launcher.health import redis_ping
from launcher.supervisor import LogFollower, Supervisor

ROOT = Path(__file__).resolve().parents[2]


def test_env_file_parsing_handles_comments_quotes_and_export(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text('# comment\nexport ADMIN_EMAIL=admin@example.com\nADMIN_PASSWORD="a b=c"\n\nEMPTY=\nnot a pair\n')
    assert read_env_file(env_file) == {"ADMIN_EMAIL": "admin@example.com", "ADMIN_PASSWORD": "a b=c", "EMPTY": ""}


def test_every_variable_of_env_example_is_known_to_the_launcher():
    documented = set(read_env_file(ROOT / ".env.example"))
    # POSTGRES_PASSWORD configures the compose PostgreSQL container only, the *_REPLICAS compose's replicas.
    assert documented - {"POSTGRES_PASSWORD", *COMPOSE_REPLICAS_VARIABLES.values()} == set(PLATFORM_VARIABLES)


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
        # Every other part on a free port: the defaults may be taken on this machine (a developer's platform).
        others = {part.port_var: str(free_port()) for part in PARTS}
        settings = load_settings(data_dir=tmp_path, environ={**others, "AUTH_PORT": str(port)})
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


def test_without_redis_on_path_the_redis_shipped_in_a_maven_artifact_is_used(tmp_path, monkeypatch):
    """The no-root fallback is a real Redis: fetched through ./mvnw from Maven Central, started, PINGed."""
    real_which = shutil.which
    monkeypatch.setattr(build.shutil, "which", lambda name: None if name == "redis-server" else real_which(name))
    monkeypatch.setattr(build, "TOOLS_DIR", tmp_path / "tools")
    binary = build.redis_server_executable()
    assert binary.startswith(str(tmp_path))
    port = free_port()
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
                              stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not redis_ping(port):
            assert server.poll() is None, "the bundled redis-server exited"
            assert time.monotonic() < deadline, "the bundled redis-server never answered PING"
            time.sleep(0.05)
    finally:
        server.terminate()
        server.wait(timeout=10)
