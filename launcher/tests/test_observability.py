"""Zipkin and Prometheus in the launcher: which parts run, what the services are told, the scrape configuration."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from launcher.config import GATEWAY, PARTS, PROMETHEUS, SERVICES, ZIPKIN, load_settings
from launcher.console import LauncherError
from launcher.observability import COMPOSE_CONFIG, capture_samples, compose_config, local_config, main
from launcher.supervisor import Supervisor


def names(settings) -> list[str]:
    return [p.name for p in settings.parts()]


def test_zipkin_and_prometheus_start_after_redis_and_before_the_services(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, environ={})
    assert names(settings)[:3] == ["redis", "zipkin", "prometheus"]
    assert names(settings)[3:] == [p.name for p in SERVICES]
    assert settings.child_env(GATEWAY)["TRACING_ZIPKIN_ENDPOINT"] == "http://127.0.0.1:9411/api/v2/spans"


@pytest.mark.parametrize("value", ["off", "OFF", "false", "0", "no"])
def test_observability_off_starts_neither_and_exports_nothing(tmp_path: Path, value: str) -> None:
    settings = load_settings(data_dir=tmp_path, environ={"PLATFORM_OBSERVABILITY": value, "ZIPKIN_PORT": "9500"})
    assert "zipkin" not in names(settings) and "prometheus" not in names(settings)
    assert settings.child_env(GATEWAY)["TRACING_ZIPKIN_ENDPOINT"] == ""


def test_without_a_prometheus_binary_zipkin_still_runs(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, environ={"ZIPKIN_PORT": "9500"})
    settings.prometheus = False
    assert "prometheus" not in names(settings)
    assert settings.child_env(GATEWAY)["TRACING_ZIPKIN_ENDPOINT"] == "http://127.0.0.1:9500/api/v2/spans"


def test_a_zipkin_of_your_own_means_none_is_started(tmp_path: Path) -> None:
    endpoint = "http://traces.example:9411/api/v2/spans"
    settings = load_settings(data_dir=tmp_path, environ={"TRACING_ZIPKIN_ENDPOINT": endpoint})
    assert "zipkin" not in names(settings) and "prometheus" in names(settings)
    assert settings.child_env(GATEWAY)["TRACING_ZIPKIN_ENDPOINT"] == endpoint


def test_the_gateway_is_told_where_prometheus_is_only_when_one_runs(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, environ={"PROMETHEUS_PORT": "9500"})
    assert settings.child_env(GATEWAY)["PROMETHEUS_URL"] == "http://127.0.0.1:9500"
    settings.prometheus = False
    assert "PROMETHEUS_URL" not in settings.child_env(GATEWAY)
    off = load_settings(data_dir=tmp_path, environ={"PLATFORM_OBSERVABILITY": "off", "PROMETHEUS_URL": ""})
    assert "PROMETHEUS_URL" not in off.child_env(GATEWAY), "empty means the default: none"
    own = load_settings(data_dir=tmp_path, environ={"PROMETHEUS_URL": "http://metrics.example:9090"})
    assert own.child_env(GATEWAY)["PROMETHEUS_URL"] == "http://metrics.example:9090"


def test_the_sampling_probability_passes_through_and_is_checked(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, environ={"TRACING_SAMPLING_PROBABILITY": "0.25"})
    assert settings.child_env(GATEWAY)["TRACING_SAMPLING_PROBABILITY"] == "0.25"
    with pytest.raises(LauncherError, match="TRACING_SAMPLING_PROBABILITY"):
        load_settings(data_dir=tmp_path, environ={"TRACING_SAMPLING_PROBABILITY": "25%"})


def test_the_scrape_configuration_lists_every_part_with_its_metrics_path(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, environ={"AUTH_PORT": "9181"})
    config = local_config(settings.parts(), settings.ports)
    for part in PARTS:
        if part.name in ("redis", "fault-proxy"):  # serve no metrics (the fault proxy: not started here either)
            assert f"job_name: {part.name}" not in config
            continue
        expected = {"java": "/actuator/prometheus", "python": "/metrics", "zipkin": "/prometheus",
                    "prometheus": "/metrics"}[part.kind]
        block = f'  - job_name: {part.name}\n    metrics_path: {expected}\n    static_configs:\n      - targets: ["127.0.0.1:{settings.ports[part.name]}"]'
        assert block in config
    assert '"127.0.0.1:9181"' in config


def test_prometheus_runs_with_the_generated_configuration_and_its_data_in_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, environ={"PROMETHEUS_PORT": "9599"})
    command = Supervisor(settings).command(PROMETHEUS)
    config = tmp_path.resolve() / "prometheus" / "prometheus.yml"
    assert f"--config.file={config}" in command and config.is_file()
    assert f"--storage.tsdb.path={tmp_path.resolve() / 'prometheus' / 'data'}" in command
    assert "--web.listen-address=127.0.0.1:9599" in command


def test_zipkin_listens_on_the_bind_address_and_its_port(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from launcher import build

    monkeypatch.setattr(build, "zipkin_server_jar", lambda: Path("/tools/zipkin-server-3.6.1-exec.jar"))
    settings = load_settings(data_dir=tmp_path, environ={"ZIPKIN_PORT": "9511"})
    command = Supervisor(settings).command(ZIPKIN)
    assert command[-3:] == ["--armeria.ports[0].ip=127.0.0.1", "--armeria.ports[0].port=9511",
                            "--armeria.ports[0].protocols[0]=http"]
    assert "-Xmx256m" in command


def test_the_committed_compose_configuration_is_the_generated_one() -> None:
    assert COMPOSE_CONFIG.read_text() == compose_config(), (
        "regenerate: python -m launcher.observability --compose > observability/prometheus/compose/prometheus.yml")


def test_a_taken_prometheus_port_stops_the_start_naming_its_variable(tmp_path: Path) -> None:
    import socket

    from launcher.config import free_port

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        taken = listener.getsockname()[1]
        ports = {part.name: free_port() for part in PARTS} | {"prometheus": taken}
        settings = load_settings(data_dir=tmp_path, ports=ports, environ={})
        with pytest.raises(LauncherError, match=rf"port {taken} \(prometheus, PROMETHEUS_PORT\) is already in use"):
            Supervisor(settings).check_ports(settings.parts())


@pytest.mark.parametrize(("environ", "prometheus", "expected"), [
    ({}, True, [("zipkin", "http://localhost:9411/zipkin/"), ("prometheus", "http://localhost:9090")]),
    ({}, False, [("zipkin", "http://localhost:9411/zipkin/"), ("prometheus", "not started")]),
    ({"PLATFORM_OBSERVABILITY": "off"}, True, [("observability", "off")]),
    ({"TRACING_ZIPKIN_ENDPOINT": "http://t:9411/api/v2/spans"}, True,
     [("traces", "http://t:9411/api/v2/spans"), ("prometheus", "http://localhost:9090")]),
], ids=["both", "no-prometheus-binary", "off", "own-zipkin"])
def test_up_prints_the_trace_ui_and_prometheus_or_why_not(tmp_path: Path, environ: dict, prometheus: bool,
                                                          expected: list) -> None:
    from launcher.__main__ import observability_rows

    settings = load_settings(data_dir=tmp_path, environ=environ)
    settings.prometheus = prometheus
    assert [(name, url) for name, url, _ in observability_rows(settings)] == expected


class MetricsOnly(BaseHTTPRequestHandler):
    """A part's /metrics, the text naming the checkout (as disk metrics' labels do)."""

    def do_GET(self) -> None:
        body = (f'# TYPE up_total counter\nup_total{{path="{Path(__file__).resolve().parents[2]}/var"}} 1\n'.encode()
                if self.path == "/metrics" else b"")
        self.send_response(200 if body else 404)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_samples_are_captured_from_the_ports_of_the_running_instance(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), MetricsOnly)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        data_dir = tmp_path / "sandbox"
        (data_dir / "run").mkdir(parents=True)
        (data_dir / "run" / "platform.json").write_text(json.dumps({"ports": {"inference-bridge": server.server_port}}))
        capture_samples(data_dir, ["inference-bridge"], into=tmp_path / "samples")
    finally:
        server.shutdown()
    assert [p.name for p in (tmp_path / "samples").iterdir()] == ["inference-bridge.prom"]
    assert (tmp_path / "samples" / "inference-bridge.prom").read_text() == (
        '# TYPE up_total counter\nup_total{path="<repo>/var"} 1\n')


@pytest.mark.parametrize(("argv", "message"), [
    (["--capture-samples", "redis"], "not parts that serve metrics: redis"),
    (["--capture-samples", "--data-dir", "{tmp}", "gateway"], "no platform runs from {tmp}"),
], ids=["a-part-without-metrics", "nothing-running"])
def test_capturing_says_what_is_wrong(tmp_path: Path, argv: list[str], message: str) -> None:
    with pytest.raises(SystemExit, match=message.format(tmp=tmp_path)):
        main([arg.format(tmp=tmp_path) for arg in argv])


def test_compose_configuration_takes_no_parts() -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--compose", "gateway"])
    assert exit_.value.code == 2
