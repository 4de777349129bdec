"""Settings every Python service reads from the environment (twelve-factor).

The variable names and defaults are the platform's, shared with the launcher, compose and the Java
services (listed in .env.example). Service-specific settings (ports, databases) are read by
the service or by `service_kit.server.run`, not here.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

LogFormat = Literal["text", "json"]
LOG_FORMATS: tuple[LogFormat, ...] = ("text", "json")


# Field name -> environment variable. An empty variable counts as unset, so `.env` files can list
# every name without overriding the defaults.
ENVIRONMENT_VARIABLES = {
    "redis_url": "REDIS_URL",
    "bind_address": "BIND_ADDRESS",
    "log_format": "LOG_FORMAT",
    "instance_id": "INSTANCE_ID",
    "data_dir": "PLATFORM_DATA_DIR",
}


def default_instance_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


@dataclass(frozen=True, kw_only=True)
class ServiceSettings:
    redis_url: str = "redis://localhost:6379/0"
    bind_address: str = "0.0.0.0"
    log_format: LogFormat = "text"
    # Unique per process: shown in service-info and, later, the Redis Streams consumer name (two
    # instances sharing a consumer name would steal each other's messages).
    instance_id: str = field(default_factory=default_instance_id)
    data_dir: Path = Path("var")

    def __post_init__(self) -> None:
        if self.log_format not in LOG_FORMATS:
            raise ValueError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {self.log_format!r}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> ServiceSettings:
        values: dict[str, Any] = {
            name: environ[variable] for name, variable in ENVIRONMENT_VARIABLES.items() if environ.get(variable)
        }
        if "data_dir" in values:
            values["data_dir"] = Path(values["data_dir"])
        return cls(**values)


def read_port(environ: Mapping[str, str], name: str, default: int) -> int:
    """The TCP port named by `name`, failing with a message that names the variable."""
    raw = environ.get(name) or str(default)
    try:
        port = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a port number, not {raw!r}") from None
    if not 0 < port < 65536:
        raise ValueError(f"{name} must be between 1 and 65535, not {port}")
    return port
