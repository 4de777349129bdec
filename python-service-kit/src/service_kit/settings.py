"""Settings every Python service reads from the environment (twelve-factor), through pydantic-settings.

The variable names and defaults are the platform's, shared with the launcher, compose and the Java
services (listed in .env.example). Each field names its variable as its `validation_alias`, so that a
reader finds the variable by grep, a refused value is reported under the variable's name, and no other name
is read. An empty
variable counts as unset (`env_ignore_empty`), so `.env` files can list every name without overriding the
defaults. A service's own settings subclass `ServiceSettings` (ports, databases, its tunables).
"""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple, TypeVar
from urllib.parse import urlsplit

from pydantic import BeforeValidator, Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LogFormat = Literal["text", "json"]

# A TCP port a process listens on.
Port = Annotated[int, Field(ge=1, le=65535)]


def platform_settings_config() -> SettingsConfigDict:
    """The configuration of every settings class of the platform's Python code.

    Without `validate_by_name` on purpose: with it, pydantic-settings would also read each field's own name
    (`redis_url`) from the environment. Code and tests set a field by its variable: ServiceSettings(REDIS_URL=...).
    """
    return SettingsConfigDict(
        env_ignore_empty=True,
        # Exactly the names of .env.example: `redis_url` in the environment is not REDIS_URL.
        case_sensitive=True,
        # Only the process environment: the launcher and compose read .env, the services never do.
        env_file=None,
        extra="ignore",
        frozen=True,
    )


def default_instance_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


class RedisNode(NamedTuple):
    """A Redis Cluster node or a Redis Sentinel, as `host:port`."""

    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


NODES_FORMAT = "must be comma-separated host:port pairs, such as redis-1:7000,redis-2:7000"
# A host name or IPv4 address and a port: not a URL (redis://...), which names one node with options.
_HOST_PORT = re.compile(r"(?P<host>[A-Za-z0-9][A-Za-z0-9.-]*):(?P<port>[0-9]{1,5})")


def parse_redis_nodes(text: str) -> tuple[RedisNode, ...]:
    """`host:port[,host:port...]` (blanks around items ignored; blank text: none) as nodes; ValueError otherwise."""
    nodes = []
    for item in (item.strip() for item in text.split(",")):
        if not item:
            continue
        node = _HOST_PORT.fullmatch(item)
        if node is None or not 1 <= int(node["port"]) <= 65535:
            raise ValueError(NODES_FORMAT)
        nodes.append(RedisNode(node["host"], int(node["port"])))
    if text.strip() and not nodes:
        raise ValueError(NODES_FORMAT)
    return tuple(nodes)


def _nodes_of_text(value: Any) -> Any:
    return parse_redis_nodes(value) if isinstance(value, str) else value


# A list variable in the platform's comma-separated form, not pydantic-settings' JSON (NoDecode).
RedisNodes = Annotated[tuple[RedisNode, ...], NoDecode, BeforeValidator(_nodes_of_text)]


class RedisSettings(BaseSettings):
    """Where the part's Redis is: one node (REDIS_URL, the default), a Redis Cluster (REDIS_CLUSTER_NODES, its seed
    nodes: the client discovers the rest), or the master that Redis Sentinels name (REDIS_SENTINEL_MASTER and
    REDIS_SENTINEL_NODES, with the database number of REDIS_URL's path). The user and password of REDIS_URL, if any,
    authenticate to the cluster's nodes or the master as to the one node. Cluster and Sentinel exclude each other;
    a refused combination names the variable to fix. `service_kit.redis_client.create_redis_client` connects."""

    model_config = platform_settings_config()

    redis_url: str = Field("redis://localhost:6379/0", validation_alias="REDIS_URL")
    redis_cluster_nodes: RedisNodes = Field((), validation_alias="REDIS_CLUSTER_NODES")
    redis_sentinel_nodes: RedisNodes = Field((), validation_alias="REDIS_SENTINEL_NODES")
    # After the nodes: fields are validated in order, and the master's check looks at both lists.
    redis_sentinel_master: str = Field("", validation_alias="REDIS_SENTINEL_MASTER")

    @field_validator("redis_sentinel_master")
    @classmethod
    def _with_sentinels_and_without_a_cluster(cls, value: str, info: ValidationInfo) -> str:
        value = value.strip()
        if not value:
            return value
        if info.data.get("redis_cluster_nodes"):
            raise ValueError("must not be set together with REDIS_CLUSTER_NODES: a part connects to a Redis Cluster "
                             "or through Redis Sentinel, not both")
        if "redis_sentinel_nodes" in info.data and not info.data["redis_sentinel_nodes"]:  # (else refused itself)
            raise ValueError("needs REDIS_SENTINEL_NODES, the sentinels that name its master (host:port, "
                             "comma-separated)")
        return value

    @model_validator(mode="after")
    def _sentinels_with_their_master(self) -> RedisSettings:
        if self.redis_sentinel_nodes and not self.redis_sentinel_master:
            # Else ignored silently: the part would use REDIS_URL instead of the sentinels it was given.
            raise ValueError("REDIS_SENTINEL_NODES is set but REDIS_SENTINEL_MASTER is not: name the master the "
                             "sentinels watch")
        return self

    def environment(self) -> dict[str, str]:
        """The variables that give these settings, as text: the environment of a child process that must use the
        same Redis, or the keyword arguments of another settings class (`ServiceSettings(**redis.environment())`)."""
        return {"REDIS_URL": self.redis_url, "REDIS_CLUSTER_NODES": ",".join(map(str, self.redis_cluster_nodes)),
                "REDIS_SENTINEL_MASTER": self.redis_sentinel_master,
                "REDIS_SENTINEL_NODES": ",".join(map(str, self.redis_sentinel_nodes))}

    @classmethod
    def given(cls, *, url: str = "redis://localhost:6379/0",
              cluster_nodes: tuple[RedisNode, ...] = ()) -> RedisSettings:
        """Settings from these values only, whatever the environment's Redis variables say (a tool's flags, a
        sandbox's URL)."""
        return cls(REDIS_URL=url, REDIS_CLUSTER_NODES=cluster_nodes, REDIS_SENTINEL_MASTER="",
                   REDIS_SENTINEL_NODES=())


class ServiceSettings(RedisSettings):
    model_config = platform_settings_config()

    bind_address: str = Field("0.0.0.0", validation_alias="BIND_ADDRESS")
    log_format: LogFormat = Field("text", validation_alias="LOG_FORMAT")
    # Unique per process: shown in service-info and the Redis Streams consumer name (two instances sharing a
    # consumer name would steal each other's messages).
    instance_id: str = Field(default_factory=default_instance_id, validation_alias="INSTANCE_ID")
    data_dir: Path = Field(Path("var"), validation_alias="PLATFORM_DATA_DIR")
    # Tracing (service_kit.tracing): the share of the traces started here that are recorded (a trace that arrives
    # keeps its caller's decision), and Zipkin's span intake; empty: spans are made and propagated, not exported.
    tracing_sampling_probability: float = Field(1.0, ge=0.0, le=1.0, validation_alias="TRACING_SAMPLING_PROBABILITY")
    tracing_zipkin_endpoint: str = Field("", validation_alias="TRACING_ZIPKIN_ENDPOINT")

    @field_validator("tracing_zipkin_endpoint")
    @classmethod
    def _an_http_url(cls, value: str) -> str:
        if not value:
            return value
        try:
            url = urlsplit(value)
            url.port  # noqa: B018 (raises ValueError for a port that is not one)
            valid = url.scheme in ("http", "https") and bool(url.hostname)
        except ValueError:
            valid = False
        if not valid:
            raise ValueError("must be the absolute http(s) URL of Zipkin's span intake, such as "
                             "http://localhost:9411/api/v2/spans, or empty")
        return value


Settings = TypeVar("Settings", bound=BaseSettings)


def settings_or_exit(settings_class: type[Settings]) -> Settings:
    """`settings_class()` from the environment; at a process's start, a refused value stops it with one line
    per variable ("Invalid configuration: LOG_FORMAT: Input should be 'text' or 'json', not 'yaml'") rather
    than pydantic's report and a traceback."""
    try:
        return settings_class()
    except ValidationError as error:
        raise SystemExit(f"Invalid configuration: {describe_refused_variables(error)}") from None


def describe_refused_variables(error: ValidationError) -> str:
    return "; ".join(describe_problem(problem) for problem in error.errors(include_url=False))


def describe_problem(problem: ErrorDetails) -> str:
    if not problem["loc"]:
        # A check of several variables together (a model validator): its message names them.
        return problem["msg"].removeprefix("Value error, ")
    return f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}, not {problem['input']!r}"
