"""--scale and PLATFORM_SCALE: what a spec means, what is refused and why (exit status 2), and what each instance is
given: its port, its INSTANCE_ID, and the services' URLs (every instance for the gateway, the first for the others).
Running instances for real is in test_supervision.py."""

from __future__ import annotations

import pytest

from launcher import __main__ as platform
from launcher import sandbox, testing
from launcher.config import (
    GATEWAY,
    MAX_INSTANCES,
    SCALABLE_PARTS,
    SERVICE_URL_VARS,
    SERVICES,
    ScaleError,
    free_ports,
    load_settings,
    parse_scale,
)
from launcher.observability import local_config

SPEC = "notification-service=2,inference-bridge=2,inference-worker=3"


def scaled(tmp_path, spec: str = SPEC, **environ: str):
    return load_settings(data_dir=tmp_path, environ={"PLATFORM_SCALE": spec, **environ})


def process(settings, name: str):
    return next(p for p in settings.parts() if p.name == name)


def test_a_spec_names_the_parts_of_more_than_one_instance():
    assert parse_scale(SPEC) == {"notification-service": 2, "inference-bridge": 2, "inference-worker": 3}
    assert parse_scale(" inference-worker = 2 , reporting-bridge=1 ,") == {"inference-worker": 2}
    assert parse_scale("") == {}


@pytest.mark.parametrize(("spec", "reason"), [
    ("inference-wroker=2", "no part named 'inference-wroker'"),
    ("gateway=2", "gateway cannot be scaled: the gateway is the platform's one entry"),
    ("redis=2", "redis cannot be scaled: every part is given one Redis URL"),
    ("zipkin=2", "zipkin cannot be scaled"),
    ("prometheus=2", "prometheus cannot be scaled"),
    ("inference-worker=0", "inference-worker=0: from 1 to 8 instances per part"),
    (f"inference-worker={MAX_INSTANCES + 1}", f"from 1 to {MAX_INSTANCES} instances"),
    ("inference-worker=-1", "'inference-worker=-1' is not PART=N"),
    ("inference-worker", "'inference-worker' is not PART=N"),
    ("inference-worker=two", "is not PART=N"),
    ("inference-worker:2", "is not PART=N"),
    ("inference-worker=2,inference-worker=3", "inference-worker is given twice"),
])
def test_a_bad_spec_is_refused_with_its_reason(spec: str, reason: str):
    with pytest.raises(ScaleError) as refused:
        parse_scale(spec)
    assert reason in str(refused.value)


def test_auth_service_scales_only_on_a_database_of_its_own_every_instance_can_open():
    with pytest.raises(ScaleError, match="AUTH_DATABASE_URL"):
        parse_scale("auth-service=2", {})
    assert parse_scale("auth-service=2", {"AUTH_DATABASE_URL": "postgresql://db/auth"}) == {"auth-service": 2}


def test_faults_are_refused_with_replicas(tmp_path):
    with pytest.raises(ScaleError, match="fault proxy has one link per part"):
        scaled(tmp_path, PLATFORM_FAULTS="on")
    settings = scaled(tmp_path)
    settings.faults = True  # ./platform up --faults
    with pytest.raises(ScaleError, match="fault proxy has one link per part"):
        settings.set_scale(settings.scale)


@pytest.mark.parametrize("argv", [["up", "--scale", "gateway=2"], ["up", "--scale", "inference-worker=0"],
                                  ["up", "--scale", "nonsense"], ["sandbox", "start", "--scale", "redis=3"]])
def test_the_commands_exit_2_with_the_reason(argv, monkeypatch, capsys):
    monkeypatch.delenv("PLATFORM_SCALE", raising=False)
    monkeypatch.setattr(sandbox, "stop_on_signals", lambda: None)  # not in pytest's own process
    assert platform.main(argv) == 2
    assert "--scale/PLATFORM_SCALE" in capsys.readouterr().err


def test_a_bad_platform_scale_variable_exits_2_too(monkeypatch, capsys):
    monkeypatch.setenv("PLATFORM_SCALE", "gateway=3")
    assert platform.main(["status"]) == 2
    assert "gateway cannot be scaled" in capsys.readouterr().err


def test_each_instance_is_a_process_of_its_own_after_its_first(tmp_path):
    settings = scaled(tmp_path)
    names = [p.name for p in settings.services()]
    assert names == ["auth-service", "notification-service", "notification-service-2", "inference-bridge",
                     "inference-bridge-2", "reporting-bridge", "inference-worker", "inference-worker-2",
                     "inference-worker-3", "reporting-worker", "gateway"]
    assert names[-1] == GATEWAY.name, "the gateway starts with the others and stops first"
    worker_3 = process(settings, "inference-worker-3")
    assert (worker_3.part_name, worker_3.instance, worker_3.instance_id) == ("inference-worker", 3, "inference-worker-3")
    assert (worker_3.module, worker_3.health_path) == ("inference_bridge.worker", "/health")


def test_instance_1_keeps_the_parts_port_and_the_others_get_free_ones(tmp_path):
    settings = scaled(tmp_path)
    assert settings.ports["inference-worker"] == 8011
    extra = [settings.ports[n] for n in ("inference-worker-2", "inference-worker-3", "notification-service-2",
                                         "inference-bridge-2")]
    assert len(set(extra)) == 4 and not {8011, 8082, 8001} & set(extra)


def test_each_instance_is_told_its_own_port_and_instance_id(tmp_path):
    settings = scaled(tmp_path)
    first = settings.child_env(process(settings, "inference-worker"))
    third = settings.child_env(process(settings, "inference-worker-3"))
    assert (first["INFERENCE_WORKER_PORT"], first["INSTANCE_ID"]) == ("8011", "inference-worker-1")
    assert third["INFERENCE_WORKER_PORT"] == str(settings.ports["inference-worker-3"])
    assert third["INSTANCE_ID"] == "inference-worker-3"
    java = settings.child_env(process(settings, "notification-service-2"))
    assert java["NOTIFICATION_PORT"] == str(settings.ports["notification-service-2"])
    assert java["INSTANCE_ID"] == "notification-service-2"


def test_the_gateway_is_told_every_instance_and_the_others_the_first(tmp_path):
    settings = scaled(tmp_path)
    gateway = settings.child_env(GATEWAY)
    assert gateway["NOTIFICATION_SERVICE_URL"] == (
        f"http://127.0.0.1:8082,http://127.0.0.1:{settings.ports['notification-service-2']}")
    assert gateway["INFERENCE_SERVICE_URL"] == (
        f"http://127.0.0.1:8001,http://127.0.0.1:{settings.ports['inference-bridge-2']}")
    assert gateway["AUTH_SERVICE_URL"] == "http://127.0.0.1:8081"
    for part in settings.services():
        if part is GATEWAY:
            continue
        env = settings.child_env(part)
        assert env["INFERENCE_SERVICE_URL"] == "http://127.0.0.1:8001", part.name
        assert "," not in env["NOTIFICATION_SERVICE_URL"], part.name


def test_one_instance_changes_nothing_the_gateway_is_told(tmp_path):
    settings = load_settings(data_dir=tmp_path, environ={})
    gateway = settings.child_env(GATEWAY)
    assert {var: gateway[var] for var in SERVICE_URL_VARS.values()} == {
        "AUTH_SERVICE_URL": "http://127.0.0.1:8081", "NOTIFICATION_SERVICE_URL": "http://127.0.0.1:8082",
        "INFERENCE_SERVICE_URL": "http://127.0.0.1:8001", "REPORTING_SERVICE_URL": "http://127.0.0.1:8002"}
    assert [p.name for p in settings.services()] == [p.name for p in SERVICES]


def test_a_service_url_set_in_the_environment_stands_alone(tmp_path):
    settings = scaled(tmp_path, INFERENCE_SERVICE_URL="http://inference.example:8001")
    assert settings.child_env(GATEWAY)["INFERENCE_SERVICE_URL"] == "http://inference.example:8001"


def test_prometheus_scrapes_every_instance_under_its_parts_job_with_its_instance_id(tmp_path):
    settings = scaled(tmp_path)
    config = local_config(settings.parts(), settings.ports)
    worker_job = config.split("  - job_name: inference-worker\n")[1].split("  - job_name:")[0]
    assert worker_job.count("- targets:") == 3
    for n in (1, 2, 3):
        port = settings.ports["inference-worker" if n == 1 else f"inference-worker-{n}"]
        assert f'- targets: ["127.0.0.1:{port}"]\n        labels: {{instance_id: inference-worker-{n}}}' in worker_job
    assert "job_name: inference-worker-2" not in config, "the rules select by the part's job"
    assert '- targets: ["127.0.0.1:8080"]\n        labels: {instance_id: gateway-1}' in config


def test_logs_of_a_part_are_every_instances_or_one(tmp_path):
    settings = scaled(tmp_path)
    assert platform.logged_names(settings, "inference-worker") == [
        "inference-worker", "inference-worker-2", "inference-worker-3"]
    assert platform.logged_names(settings, "inference-worker-2") == ["inference-worker-2"]
    assert platform.logged_names(settings, "inference-worker-1") == ["inference-worker"]
    assert platform.logged_names(settings, "redis") == ["redis"]


class FakeServers:
    """What platform_environ asks of the suites' servers (their PostgreSQL's URL of a database)."""

    def postgres_url(self, database: str) -> str:
        return f"postgresql://127.0.0.1:5432/{database}"


def test_the_suites_platforms_take_platform_scale_and_no_other_platform_variable_from_the_caller(monkeypatch, tmp_path):
    monkeypatch.setenv("PLATFORM_SCALE", "inference-worker=2,auth-service=2")
    monkeypatch.setenv("INFERENCE_WORKER_PORT", "9999")
    environ = testing.platform_environ(FakeServers(), "e2e", {}, observability=False)
    assert environ["PLATFORM_SCALE"] == "inference-worker=2,auth-service=2"
    assert "INFERENCE_WORKER_PORT" not in environ
    settings = load_settings(data_dir=tmp_path, ports=free_ports(), environ=environ)
    assert settings.scale == {"inference-worker": 2, "auth-service": 2}, "auth-service on the suite's PostgreSQL"
    monkeypatch.delenv("PLATFORM_SCALE")
    assert testing.platform_environ(FakeServers(), "e2e", {}, observability=False)["PLATFORM_SCALE"] == ""


def test_the_chaos_suites_platforms_one_with_faults_and_no_replicas_the_other_with_two_of_every_scalable_part(
        monkeypatch, tmp_path):
    monkeypatch.setenv("PLATFORM_SCALE", "inference-worker=3")  # the caller's scale: the faults platform cannot take it
    faults = load_settings(data_dir=tmp_path / "faults", ports=free_ports(),
                           environ=testing.platform_environ(FakeServers(), "chaos", testing.CHAOS_ENVIRON, False))
    assert faults.faults and faults.scale == {}
    replicas = load_settings(data_dir=tmp_path / "replicas", ports=free_ports(), environ=testing.platform_environ(
        FakeServers(), "chaos_replicas", testing.CHAOS_REPLICAS_ENVIRON, False))
    assert not replicas.faults
    assert replicas.scale == {part.name: 2 for part in SCALABLE_PARTS}
    assert {"chaos_replicas_auth", "chaos_replicas_reporting"} <= set(testing.POSTGRES_DATABASES)
