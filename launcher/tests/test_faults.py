"""Fault injection: which links an instance gets and what its parts are told (pure logic), and the faults themselves
through a real toxiproxy-server (installed by the launcher's build step) in front of a real Redis and a real HTTP
server."""

import http.server
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from launcher.config import FAULT_PROXY, GATEWAY, PARTS, REDIS, SERVICES, free_port, load_settings
from launcher.console import LauncherError
from launcher.faults import (FaultProxy, FaultProxyError, Link, check_links, kill_part, plan_links,
                             proxied_environment, through_proxy)
from launcher.health import redis_ping
from launcher.supervisor import Supervisor
from launcher.testing import clean_environment

AUTH = next(p for p in SERVICES if p.name == "auth-service")
REPORTING = next(p for p in SERVICES if p.name == "reporting-bridge")
INFERENCE_WORKER = next(p for p in SERVICES if p.name == "inference-worker")
LINK = Link("any", 17001, "upstream:1")


# ---- the links and what the parts are told


def test_urls_are_rewritten_to_the_link_keeping_credentials_path_and_query():
    assert through_proxy("redis://127.0.0.1:6379/0", LINK) == "redis://127.0.0.1:17001/0"
    assert through_proxy("redis://:s3cret@cache.internal:6380/2", LINK) == "redis://:s3cret@127.0.0.1:17001/2"
    assert through_proxy("http://127.0.0.1:8081", LINK) == "http://127.0.0.1:17001"
    assert through_proxy("postgresql://app:pw@db.internal/auth?sslmode=disable", LINK) \
        == "postgresql://app:pw@127.0.0.1:17001/auth?sslmode=disable"
    assert through_proxy("jdbc:postgresql://db.internal:5433/auth?user=app&password=pw&ssl=false", LINK) \
        == "jdbc:postgresql://127.0.0.1:17001/auth?user=app&password=pw&ssl=false"


def test_faults_are_off_by_default_and_nothing_goes_through_a_proxy(tmp_path):
    settings = load_settings(data_dir=tmp_path, environ={"AUTH_DATABASE_URL": "postgresql://u:p@db:5432/auth"})
    assert FAULT_PROXY not in settings.parts()
    assert settings.child_env(GATEWAY)["AUTH_SERVICE_URL"] == "http://127.0.0.1:8081"
    assert settings.child_env(AUTH)["REDIS_URL"] == "redis://127.0.0.1:6379/0"
    assert settings.child_env(AUTH)["AUTH_DATABASE_URL"] == "postgresql://u:p@db:5432/auth"


def test_the_test_platforms_run_without_faults_whatever_the_developer_set(tmp_path, monkeypatch):
    monkeypatch.setenv("PLATFORM_FAULTS", "on")
    monkeypatch.setenv("FAULT_PROXY_PORT", "18474")
    environ = clean_environment()  # what launcher.testing gives the e2e, fuzz (and every other) platform
    assert "PLATFORM_FAULTS" not in environ and "FAULT_PROXY_PORT" not in environ
    assert FAULT_PROXY not in load_settings(data_dir=tmp_path, environ=environ).parts()


def test_an_unknown_faults_switch_is_refused(tmp_path):
    with pytest.raises(LauncherError, match="PLATFORM_FAULTS must be on or off, got 'maybe'"):
        load_settings(data_dir=tmp_path, environ={"PLATFORM_FAULTS": "maybe"})


def test_with_faults_the_proxy_starts_after_redis_and_before_the_services(tmp_path):
    settings = load_settings(data_dir=tmp_path, environ={"PLATFORM_FAULTS": "on", "PLATFORM_OBSERVABILITY": "off"})
    assert settings.parts() == (REDIS, FAULT_PROXY, *SERVICES)
    assert settings.ports[FAULT_PROXY.name] == 8474


def test_every_link_goes_where_the_part_would_have_gone(tmp_path):
    settings = load_settings(data_dir=tmp_path, environ={
        "PLATFORM_FAULTS": "on", "REDIS_PORT": "7001", "AUTH_PORT": "7081",
        "INFERENCE_SERVICE_URL": "http://gpu-box:9000",
        "AUTH_DATABASE_URL": "jdbc:postgresql://db.internal:5433/auth?user=app&password=pw",
        "REPORTING_DATABASE_URL": "postgresql://app:pw@db.internal:5433/reporting"})
    links = {link.name: link for link in plan_links(settings)}
    assert {name: link.upstream for name, link in links.items()} == {
        "auth-service": "127.0.0.1:7081", "notification-service": "127.0.0.1:8082",
        "inference-bridge": "gpu-box:9000", "reporting-bridge": "127.0.0.1:8002",
        "redis": "127.0.0.1:7001", "postgres": "db.internal:5433"}
    assert len({link.listen_port for link in links.values()}) == len(links)
    assert plan_links(settings) == list(links.values()), "a link keeps its port for the instance's lifetime"

    def port(name: str) -> int:
        return links[name].listen_port

    gateway = settings.child_env(GATEWAY)
    assert gateway["AUTH_SERVICE_URL"] == f"http://127.0.0.1:{port('auth-service')}"
    assert gateway["NOTIFICATION_SERVICE_URL"] == f"http://127.0.0.1:{port('notification-service')}"
    assert gateway["INFERENCE_SERVICE_URL"] == f"http://127.0.0.1:{port('inference-bridge')}"
    assert gateway["REPORTING_SERVICE_URL"] == f"http://127.0.0.1:{port('reporting-bridge')}"
    for part in SERVICES:
        env = settings.child_env(part)
        assert env["REDIS_URL"] == f"redis://127.0.0.1:{port('redis')}/0", part.name
        assert env["AUTH_DATABASE_URL"] == f"jdbc:postgresql://127.0.0.1:{port('postgres')}/auth?user=app&password=pw"
        assert env["REPORTING_DATABASE_URL"] == f"postgresql://app:pw@127.0.0.1:{port('postgres')}/reporting"
    # Only the gateway's calls go through the service links (the services fetch auth-service's keys directly).
    assert settings.child_env(INFERENCE_WORKER)["AUTH_SERVICE_URL"] == "http://127.0.0.1:7081"
    # Redis itself, and the launcher's probe of it, stay direct.
    assert proxied_environment(settings, REDIS) == {}
    assert settings.ports["redis"] == 7001


def test_embedded_databases_mean_no_postgres_link(tmp_path):
    settings = load_settings(data_dir=tmp_path, environ={"PLATFORM_FAULTS": "on"})
    assert "postgres" not in [link.name for link in plan_links(settings)]
    assert "AUTH_DATABASE_URL" not in settings.child_env(AUTH)


def test_two_postgresql_servers_get_a_link_each(tmp_path):
    settings = load_settings(data_dir=tmp_path, environ={
        "PLATFORM_FAULTS": "on", "AUTH_DATABASE_URL": "postgresql://a:pw@auth-db/auth",
        "REPORTING_DATABASE_URL": "postgres://r:pw@reporting-db:6543/reporting"})
    links = {link.name: link for link in plan_links(settings)}
    assert links["postgres-auth"].upstream == "auth-db:5432"
    assert links["postgres-reporting"].upstream == "reporting-db:6543"
    assert settings.child_env(REPORTING)["REPORTING_DATABASE_URL"] \
        == f"postgres://r:pw@127.0.0.1:{links['postgres-reporting'].listen_port}/reporting"


def test_a_url_without_one_host_cannot_be_proxied(tmp_path):
    settings = load_settings(data_dir=tmp_path, environ={
        "PLATFORM_FAULTS": "on", "AUTH_DATABASE_URL": "jdbc:postgresql://db1:5432,db2:5432/auth?password=pw"})
    with pytest.raises(LauncherError, match="cannot put the fault proxy in front of jdbc:postgresql://db1"):
        plan_links(settings)


# ---- the faults, through a real toxiproxy-server


class _Answer(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def http_upstream() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxied(tmp_path, private_redis, http_upstream) -> Iterator[tuple[Supervisor, FaultProxy, dict[str, Link]]]:
    """The fault proxy of an instance whose Redis is the test's and whose auth-service is the tiny HTTP server,
    started the way ./platform up --faults starts it."""
    settings = load_settings(data_dir=tmp_path / "platform", ports={FAULT_PROXY.name: free_port()}, environ={
        "PLATFORM_FAULTS": "on", "REDIS_URL": private_redis.url, "AUTH_SERVICE_URL": http_upstream})
    supervisor = Supervisor(settings)
    try:
        supervisor.start(FAULT_PROXY)
        supervisor.wait_healthy((FAULT_PROXY,), timeout=30)
        check_links(settings)
        yield supervisor, FaultProxy.of(settings), {link.name: link for link in plan_links(settings)}
    finally:
        supervisor.stop_all()


def _get(link: Link) -> bytes:
    """One request on a new connection, as a client whose pooled connection was dropped would make."""
    with urllib.request.urlopen(f"http://{link.listen}/", timeout=10) as response:
        return response.read()


def _timed(action) -> float:
    started = time.monotonic()
    action()
    return time.monotonic() - started


def test_the_proxy_forwards_every_link_and_lists_it(proxied):
    _, proxy, links = proxied
    assert _get(links["auth-service"]) == b"ok"
    assert redis_ping(links["redis"].listen_port)
    listed = {state.name: state for state in proxy.links()}
    assert set(listed) == set(links)
    assert listed["redis"].upstream == links["redis"].upstream and listed["redis"].enabled
    assert not any(state.toxics for state in listed.values())


def test_latency_is_added_to_every_answer(proxied):
    _, proxy, links = proxied
    proxy.add_latency("redis", 300)
    proxy.add_latency("auth-service", 200, jitter_ms=10)
    assert _timed(lambda: redis_ping(links["redis"].listen_port, timeout=5)) >= 0.3
    assert _timed(lambda: _get(links["auth-service"])) >= 0.19
    proxy.add_latency("redis", 500)  # a second latency replaces the first
    toxics = {state.name: state.toxics for state in proxy.links()}["redis"]
    assert [(t.type, t.attributes["latency"]) for t in toxics] == [("latency", 500)]


def test_a_cut_link_refuses_connections_until_restored(proxied):
    _, proxy, links = proxied
    proxy.cut("auth-service")
    proxy.cut("redis")
    with pytest.raises(urllib.error.URLError):
        _get(links["auth-service"])
    assert not redis_ping(links["redis"].listen_port)
    assert not {state.name: state for state in proxy.links()}["redis"].enabled
    proxy.restore("auth-service")
    proxy.restore("redis")
    assert _get(links["auth-service"]) == b"ok"
    assert redis_ping(links["redis"].listen_port)


def test_errors_on_every_connection_reset_them(proxied):
    _, proxy, links = proxied
    proxy.add_errors("auth-service", 1.0)
    proxy.add_errors("redis", 1.0)
    for _ in range(5):
        with pytest.raises((urllib.error.URLError, ConnectionError)):
            _get(links["auth-service"])
        assert not redis_ping(links["redis"].listen_port)
    with pytest.raises(FaultProxyError, match="above 0 and at most 1"):
        proxy.add_errors("redis", 1.5)


def test_clear_removes_every_fault_and_restores_every_link(proxied):
    _, proxy, links = proxied
    proxy.add_latency("redis", 1000)
    proxy.add_errors("auth-service", 1.0)
    proxy.cut("notification-service")
    proxy.clear()
    assert all(state.enabled and not state.toxics for state in proxy.links())
    assert redis_ping(links["redis"].listen_port)
    assert _get(links["auth-service"]) == b"ok"


def test_an_unknown_link_is_refused_with_the_list(proxied):
    _, proxy, _ = proxied
    with pytest.raises(FaultProxyError, match=r"no link 'mongo'; links: auth-service, inference-bridge"):
        proxy.cut("mongo")


def test_a_part_is_killed_by_the_pid_in_the_state_file(proxied):
    supervisor, proxy, _ = proxied
    pid = kill_part(supervisor.settings, FAULT_PROXY.name)
    assert pid == supervisor.running[FAULT_PROXY.name].pid
    supervisor._children[pid].wait(timeout=10)
    with pytest.raises(LauncherError, match="fault-proxy is not running"):
        kill_part(supervisor.settings, FAULT_PROXY.name)
    with pytest.raises(FaultProxyError, match="does not answer"):
        proxy.links()


def test_a_platform_without_faults_says_how_to_start_one(tmp_path, private_redis):
    settings = load_settings(data_dir=tmp_path, environ={"REDIS_URL": private_redis.url})
    with pytest.raises(LauncherError, match="not running .* start it with ./platform up --faults"):
        FaultProxy.of(settings)
    supervisor = Supervisor(settings)
    supervisor.spawn(PARTS[0], ["sleep", "30"], {}, marker="sleep")  # any live part: a platform without the proxy
    try:
        # Right after exec, /proc/<pid>/cmdline can still be empty for a moment: wait until another reader sees it.
        deadline = time.monotonic() + 10
        while not _seen_alive(settings) and time.monotonic() < deadline:
            time.sleep(0.05)
        with pytest.raises(LauncherError, match=r"without the fault proxy: .* ./platform up --faults"):
            FaultProxy.of(settings)
    finally:
        supervisor.stop_all()


def _seen_alive(settings) -> bool:
    reader = Supervisor(settings)
    return reader.load_state() and reader.any_alive()
