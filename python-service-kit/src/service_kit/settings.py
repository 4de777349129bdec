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
import socket
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

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


class ServiceSettings(BaseSettings):
    model_config = platform_settings_config()

    redis_url: str = Field("redis://localhost:6379/0", validation_alias="REDIS_URL")
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
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}, not {problem['input']!r}"
        for problem in error.errors(include_url=False)
    )
