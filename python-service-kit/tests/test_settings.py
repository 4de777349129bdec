"""The kit's settings come from the environment under the platform's names (.env.example), through
pydantic-settings: an empty variable means the default, and a refused value names its variable."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from service_kit.events import EventSettings
from service_kit.settings import (
    RedisNode,
    RedisSettings,
    ServiceSettings,
    describe_refused_variables,
    settings_or_exit,
)

SERVICE_VARIABLES = ("REDIS_URL", "REDIS_CLUSTER_NODES", "REDIS_SENTINEL_MASTER", "REDIS_SENTINEL_NODES", "BIND_ADDRESS", "LOG_FORMAT", "INSTANCE_ID", "PLATFORM_DATA_DIR",
                     "TRACING_SAMPLING_PROBABILITY", "TRACING_ZIPKIN_ENDPOINT")


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The process environment without any of the variables these tests read (./platform test sets some)."""
    for variable in SERVICE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    for variable in EventSettings.model_fields.values():
        monkeypatch.delenv(str(variable.validation_alias), raising=False)
    return monkeypatch


def test_defaults_are_the_platforms(environment: pytest.MonkeyPatch):
    settings = ServiceSettings()
    assert settings.redis_url == "redis://localhost:6379/0"
    assert settings.bind_address == "0.0.0.0"
    assert settings.log_format == "text"
    assert settings.data_dir == Path("var")
    assert (settings.tracing_sampling_probability, settings.tracing_zipkin_endpoint) == (1.0, "")
    host, _, pid = settings.instance_id.rpartition("-")
    assert host and pid.isdigit()


def test_values_come_from_the_environment_and_empty_means_default(environment: pytest.MonkeyPatch):
    for variable, value in {"REDIS_URL": "redis://cache:6380/2", "BIND_ADDRESS": "", "LOG_FORMAT": "json",
                            "INSTANCE_ID": "pod-7", "PLATFORM_DATA_DIR": "/data"}.items():
        environment.setenv(variable, value)
    settings = ServiceSettings()
    assert settings.redis_url == "redis://cache:6380/2"
    assert settings.bind_address == "0.0.0.0"
    assert settings.log_format == "json"
    assert settings.instance_id == "pod-7"
    assert settings.data_dir == Path("/data")


def test_only_the_exact_variable_names_count(environment: pytest.MonkeyPatch):
    environment.setenv("redis_url", "redis://lowercase:6379/0")
    environment.setenv("data_dir", "/elsewhere")
    settings = ServiceSettings()
    assert (settings.redis_url, settings.data_dir) == ("redis://localhost:6379/0", Path("var"))


def test_an_unknown_log_format_is_refused_naming_the_variable(environment: pytest.MonkeyPatch):
    environment.setenv("LOG_FORMAT", "yaml")
    with pytest.raises(ValidationError) as refused:
        ServiceSettings()
    assert describe_refused_variables(refused.value) == "LOG_FORMAT: Input should be 'text' or 'json', not 'yaml'"


def test_a_process_stops_on_bad_configuration_with_one_line_per_variable(environment: pytest.MonkeyPatch):
    environment.setenv("LOG_FORMAT", "yaml")
    environment.setenv("EVENTS_BATCH_SIZE", "many")
    with pytest.raises(SystemExit, match="^Invalid configuration: LOG_FORMAT: Input should be 'text' or 'json'"):
        settings_or_exit(ServiceSettings)
    with pytest.raises(SystemExit, match="Invalid configuration: EVENTS_BATCH_SIZE: Input should be a valid integer"):
        settings_or_exit(EventSettings)


def test_the_event_backbone_reads_its_variables(environment: pytest.MonkeyPatch):
    defaults = EventSettings()
    consumer = defaults.consumer(stream="platform.events", group="reporting", consumer="pod-7")
    assert (consumer.batch_size, consumer.block_ms, consumer.reclaim_interval_ms, consumer.min_idle_ms,
            consumer.max_deliveries, consumer.dedupe_window_ms, consumer.shutdown_timeout_ms,
            consumer.group_start_id, consumer.dead_letter_retention) == (
        16, 2000, 5000, 30000, 5, 86_400_000, 10_000, "0", 10_000)
    assert defaults.stream_retention().for_stream("platform.events") == 100_000

    for variable, value in {"EVENTS_BATCH_SIZE": "4", "EVENTS_BLOCK_MS": "100", "EVENTS_RECLAIM_INTERVAL_MS": "50",
                            "EVENTS_MIN_IDLE_MS": "300", "EVENTS_MAX_DELIVERIES": "2", "EVENTS_DEDUPE_WINDOW_MS": "9",
                            "EVENTS_SHUTDOWN_TIMEOUT_MS": "7", "EVENTS_GROUP_START_ID": "$",
                            "EVENTS_RETENTION": " platform.events=500, audit.trail = 20 ,",
                            "EVENTS_DLQ_RETENTION": "30", "EVENTS_DEFAULT_RETENTION": "40"}.items():
        environment.setenv(variable, value)
    events = EventSettings()
    consumer = events.consumer(stream="platform.events", group="reporting", consumer="pod-7", block_ms=1000)
    assert (consumer.batch_size, consumer.block_ms, consumer.reclaim_interval_ms, consumer.min_idle_ms,
            consumer.max_deliveries, consumer.dedupe_window_ms, consumer.shutdown_timeout_ms,
            consumer.group_start_id, consumer.dead_letter_retention) == (4, 1000, 50, 300, 2, 9, 7, "$", 30)
    retention = events.stream_retention()
    assert [retention.for_stream(stream) for stream in ("platform.events", "audit.trail", "inference.jobs",
                                                        "inference.jobs.dlq", "other")] == [500, 20, 10_000, 30, 40]


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("EVENTS_BLOCK_MS", "0", "EVENTS_BLOCK_MS: Input should be greater than 0, not '0'"),
    ("EVENTS_RETENTION", "platform.events", "EVENTS_RETENTION: Value error, EVENTS_RETENTION items are "
                                            "stream=entries, not 'platform.events'"),
    ("EVENTS_RETENTION", "platform.events=-1", "EVENTS_RETENTION.platform.events: Input should be greater than 0"),
])
def test_a_bad_backbone_value_is_refused_naming_the_variable(environment: pytest.MonkeyPatch, variable: str,
                                                             value: str, message: str):
    environment.setenv(variable, value)
    with pytest.raises(ValidationError) as refused:
        EventSettings()
    assert describe_refused_variables(refused.value).startswith(message)


def test_ports_are_checked(environment: pytest.MonkeyPatch):
    from pydantic import Field
    from pydantic_settings import BaseSettings

    from service_kit import Port
    from service_kit.settings import platform_settings_config

    class DemoSettings(BaseSettings):
        model_config = platform_settings_config()
        port: Port = Field(8001, validation_alias="DEMO_PORT")

    assert DemoSettings().port == 8001
    environment.setenv("DEMO_PORT", "18001")
    assert DemoSettings().port == 18001
    environment.setenv("DEMO_PORT", "http")
    with pytest.raises(SystemExit, match="Invalid configuration: DEMO_PORT: Input should be a valid integer"):
        settings_or_exit(DemoSettings)
    environment.setenv("DEMO_PORT", "70000")
    with pytest.raises(SystemExit, match="Invalid configuration: DEMO_PORT: Input should be less than or equal to 65535"):
        settings_or_exit(DemoSettings)


def test_tracing_reads_its_variables(environment: pytest.MonkeyPatch):
    environment.setenv("TRACING_SAMPLING_PROBABILITY", "0.25")
    environment.setenv("TRACING_ZIPKIN_ENDPOINT", "http://zipkin:9411/api/v2/spans")
    settings = ServiceSettings()
    assert (settings.tracing_sampling_probability, settings.tracing_zipkin_endpoint) == (
        0.25, "http://zipkin:9411/api/v2/spans")


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("TRACING_SAMPLING_PROBABILITY", "1.5", "TRACING_SAMPLING_PROBABILITY: Input should be less than or equal to 1"),
    ("TRACING_SAMPLING_PROBABILITY", "-0.1", "TRACING_SAMPLING_PROBABILITY: Input should be greater than or equal to 0"),
    ("TRACING_SAMPLING_PROBABILITY", "half", "TRACING_SAMPLING_PROBABILITY: Input should be a valid number"),
    ("TRACING_ZIPKIN_ENDPOINT", "localhost:9411", "TRACING_ZIPKIN_ENDPOINT: Value error, must be the absolute http(s) URL"),
    ("TRACING_ZIPKIN_ENDPOINT", "ftp://zipkin/api/v2/spans", "TRACING_ZIPKIN_ENDPOINT: Value error, must be the absolute"),
    ("TRACING_ZIPKIN_ENDPOINT", "http://zipkin:94110/api/v2/spans", "TRACING_ZIPKIN_ENDPOINT: Value error, must be the"),
])
def test_a_bad_tracing_value_stops_the_process_naming_the_variable(environment: pytest.MonkeyPatch, variable: str,
                                                                   value: str, message: str):
    environment.setenv(variable, value)
    with pytest.raises(SystemExit) as stopped:
        settings_or_exit(ServiceSettings)
    assert str(stopped.value).startswith(f"Invalid configuration: {message}"), stopped.value


def test_redis_is_one_node_unless_a_cluster_or_sentinel_is_named(environment: pytest.MonkeyPatch):
    settings = ServiceSettings()
    assert (settings.redis_cluster_nodes, settings.redis_sentinel_master, settings.redis_sentinel_nodes) == ((), "", ())

    environment.setenv("REDIS_CLUSTER_NODES", " redis-1:7000, 10.0.0.2:7001 ,")
    assert ServiceSettings().redis_cluster_nodes == (RedisNode("redis-1", 7000), RedisNode("10.0.0.2", 7001))
    environment.setenv("REDIS_CLUSTER_NODES", "  ")
    assert ServiceSettings().redis_cluster_nodes == ()

    environment.delenv("REDIS_CLUSTER_NODES")
    environment.setenv("REDIS_SENTINEL_MASTER", "platform")
    environment.setenv("REDIS_SENTINEL_NODES", "sentinel-1:26379,sentinel-2:26379")
    settings = ServiceSettings()
    assert settings.redis_sentinel_master == "platform"
    assert [str(node) for node in settings.redis_sentinel_nodes] == ["sentinel-1:26379", "sentinel-2:26379"]
    assert settings.environment() == {"REDIS_URL": "redis://localhost:6379/0", "REDIS_CLUSTER_NODES": "",
                                      "REDIS_SENTINEL_MASTER": "platform",
                                      "REDIS_SENTINEL_NODES": "sentinel-1:26379,sentinel-2:26379"}


@pytest.mark.parametrize(("variables", "message"), [
    ({"REDIS_CLUSTER_NODES": "redis://redis-1:7000"},
     "REDIS_CLUSTER_NODES: Value error, must be comma-separated host:port pairs, such as redis-1:7000,redis-2:7000, "
     "not 'redis://redis-1:7000'"),
    ({"REDIS_CLUSTER_NODES": "redis-1:7000,redis-2"}, "REDIS_CLUSTER_NODES: Value error, must be comma-separated"),
    ({"REDIS_CLUSTER_NODES": "redis-1:70000"}, "REDIS_CLUSTER_NODES: Value error, must be comma-separated"),
    ({"REDIS_CLUSTER_NODES": ","}, "REDIS_CLUSTER_NODES: Value error, must be comma-separated"),
    ({"REDIS_SENTINEL_MASTER": "platform", "REDIS_SENTINEL_NODES": "sentinel-1"},
     "REDIS_SENTINEL_NODES: Value error, must be comma-separated host:port pairs"),
    ({"REDIS_SENTINEL_NODES": "sentinel-1:26379"},
     "REDIS_SENTINEL_NODES is set but REDIS_SENTINEL_MASTER is not: name the master the sentinels watch"),
    ({"REDIS_SENTINEL_MASTER": "platform"},
     "REDIS_SENTINEL_MASTER: Value error, needs REDIS_SENTINEL_NODES, the sentinels that name its master (host:port, "
     "comma-separated), not 'platform'"),
    ({"REDIS_CLUSTER_NODES": "redis-1:7000", "REDIS_SENTINEL_MASTER": "platform",
      "REDIS_SENTINEL_NODES": "sentinel-1:26379"},
     "REDIS_SENTINEL_MASTER: Value error, must not be set together with REDIS_CLUSTER_NODES: a part connects to a "
     "Redis Cluster or through Redis Sentinel, not both, not 'platform'"),
])
def test_a_redis_configuration_that_names_no_one_redis_stops_the_process_naming_the_variable(
        environment: pytest.MonkeyPatch, variables: dict[str, str], message: str):
    for variable, value in variables.items():
        environment.setenv(variable, value)
    with pytest.raises(SystemExit) as stopped:
        settings_or_exit(ServiceSettings)
    assert str(stopped.value).startswith(f"Invalid configuration: {message}"), stopped.value
    assert "\n" not in str(stopped.value)


def test_given_redis_settings_ignore_the_environments(environment: pytest.MonkeyPatch):
    environment.setenv("REDIS_CLUSTER_NODES", "redis-1:7000")
    environment.setenv("REDIS_URL", "redis://elsewhere:6379/0")
    given = RedisSettings.given(url="redis://tool:6379/3")
    assert (given.redis_url, given.redis_cluster_nodes, given.redis_sentinel_master) == ("redis://tool:6379/3", (), "")
    assert RedisSettings.given(cluster_nodes=(RedisNode("c", 1),)).redis_cluster_nodes == (RedisNode("c", 1),)
