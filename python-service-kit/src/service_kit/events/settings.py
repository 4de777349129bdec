"""Settings of the event backbone, read from the environment like `service_kit.settings` (twelve-factor).

Durations are milliseconds, as Redis takes them. An empty variable counts as unset.

| variable | default | meaning |
|---|---|---|
| EVENTS_RETENTION | the contract's (contract_types.streams.RETENTION) | `stream=entries,...`: approximate MAXLEN per stream, merged over the defaults |
| EVENTS_DEFAULT_RETENTION | 10000 | MAXLEN ~ of a stream not listed |
| EVENTS_DLQ_RETENTION | 10000 | MAXLEN ~ of every `<stream>.dlq` not listed |
| INSTANCE_ID | `<hostname>-<pid>` | consumer name (unique per process) |
| EVENTS_BATCH_SIZE | 16 | XREADGROUP / XAUTOCLAIM COUNT |
| EVENTS_BLOCK_MS | 2000 | XREADGROUP BLOCK |
| EVENTS_RECLAIM_INTERVAL_MS | 5000 | how often idle pending entries are reclaimed (XAUTOCLAIM) |
| EVENTS_MIN_IDLE_MS | 30000 | idle time after which a pending entry is reclaimed |
| EVENTS_MAX_DELIVERIES | 5 | the handler runs at most this often for an entry; failing on the last one sends it to `<stream>.dlq` |
| EVENTS_DEDUPE_WINDOW_MS | 86400000 | how long a handled event id is remembered (idempotency) |
| EVENTS_SHUTDOWN_TIMEOUT_MS | 10000 | how long a graceful shutdown waits for in-flight handlers |
| EVENTS_GROUP_START_ID | 0 | where a newly created consumer group starts |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any

from contract_types.streams import DEAD_LETTER_STREAMS, RETENTION, Stream

from service_kit.settings import default_instance_id

DEAD_LETTER_SUFFIX = ".dlq"

# Approximate entries kept per stream (XADD MAXLEN ~): the platform's streams, as the AsyncAPI document gives them.
DEFAULT_RETENTION: Mapping[str, int] = MappingProxyType({stream.value: RETENTION[stream] for stream in Stream})
# The contract gives every dead-letter stream the same retention (EVENTS_DLQ_RETENTION changes it for all of
# them); the unpacking fails at import if it ever stops doing so, rather than silently picking one.
(DEFAULT_DEAD_LETTER_RETENTION,) = {RETENTION[dead_letter] for dead_letter in DEAD_LETTER_STREAMS.values()}
DEFAULT_OTHER_RETENTION = 10_000


def dead_letter_stream(stream: str) -> str:
    """`<stream>.dlq`: for the platform's streams, what contract_types.streams.DEAD_LETTER_STREAMS names."""
    return stream + DEAD_LETTER_SUFFIX


def _positive_int(environ: Mapping[str, str], variable: str) -> int | None:
    raw = environ.get(variable)
    return _parse_positive(raw, variable) if raw else None


def _parse_positive(raw: str, variable: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{variable} must be a whole number, not {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{variable} must be positive, not {value}")
    return value


@dataclass(frozen=True, kw_only=True)
class StreamRetention:
    """How many entries (approximately) each stream keeps: XADD <stream> MAXLEN ~ <entries>."""

    by_stream: Mapping[str, int] = field(default_factory=lambda: DEFAULT_RETENTION)
    dead_letter: int = DEFAULT_DEAD_LETTER_RETENTION
    other: int = DEFAULT_OTHER_RETENTION

    def for_stream(self, stream: str) -> int:
        if stream in self.by_stream:
            return self.by_stream[stream]
        return self.dead_letter if stream.endswith(DEAD_LETTER_SUFFIX) else self.other

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> StreamRetention:
        by_stream = dict(DEFAULT_RETENTION)
        for item in filter(None, (part.strip() for part in environ.get("EVENTS_RETENTION", "").split(","))):
            stream, separator, raw = item.partition("=")
            if not separator or not stream.strip():
                raise ValueError(f"EVENTS_RETENTION items are stream=entries, not {item!r}")
            by_stream[stream.strip()] = _parse_positive(raw.strip(), "EVENTS_RETENTION")
        values: dict[str, Any] = {"by_stream": MappingProxyType(by_stream)}
        if (dead_letter := _positive_int(environ, "EVENTS_DLQ_RETENTION")) is not None:
            values["dead_letter"] = dead_letter
        if (other := _positive_int(environ, "EVENTS_DEFAULT_RETENTION")) is not None:
            values["other"] = other
        return cls(**values)


def default_consumer_name(environ: Mapping[str, str] = os.environ) -> str:
    """INSTANCE_ID, else `<hostname>-<pid>`: two consumers sharing a name would take each other's entries."""
    return environ.get("INSTANCE_ID") or default_instance_id()


# Field name -> environment variable (integers).
CONSUMER_ENVIRONMENT_VARIABLES = {
    "batch_size": "EVENTS_BATCH_SIZE",
    "block_ms": "EVENTS_BLOCK_MS",
    "reclaim_interval_ms": "EVENTS_RECLAIM_INTERVAL_MS",
    "min_idle_ms": "EVENTS_MIN_IDLE_MS",
    "max_deliveries": "EVENTS_MAX_DELIVERIES",
    "dedupe_window_ms": "EVENTS_DEDUPE_WINDOW_MS",
    "shutdown_timeout_ms": "EVENTS_SHUTDOWN_TIMEOUT_MS",
}


@dataclass(frozen=True, kw_only=True)
class ConsumerSettings:
    """One consumer of one stream in one consumer group."""

    stream: str
    group: str
    consumer: str = field(default_factory=default_consumer_name)
    batch_size: int = 16
    block_ms: int = 2_000
    reclaim_interval_ms: int = 5_000
    min_idle_ms: int = 30_000
    max_deliveries: int = 5
    dedupe_window_ms: int = 24 * 60 * 60 * 1000
    shutdown_timeout_ms: int = 10_000
    group_start_id: str = "0"
    # Reconnecting after a lost connection: waits double from the first to the last, then stay there.
    backoff_initial_ms: int = 100
    backoff_max_ms: int = 5_000
    dead_letter_retention: int = DEFAULT_DEAD_LETTER_RETENTION

    def __post_init__(self) -> None:
        if not self.stream or not self.group or not self.consumer:
            raise ValueError("stream, group and consumer must not be empty")
        for spec in fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, int) and value <= 0:
                raise ValueError(f"{spec.name} must be positive, not {value}")

    @property
    def dead_letter_stream(self) -> str:
        return dead_letter_stream(self.stream)

    @classmethod
    def from_env(
        cls, *, stream: str, group: str, environ: Mapping[str, str] = os.environ, **overrides: Any
    ) -> ConsumerSettings:
        """Settings of the consumer of `stream` in `group`: the environment's, then `overrides` over them."""
        values: dict[str, Any] = {"consumer": default_consumer_name(environ)}
        for name, variable in CONSUMER_ENVIRONMENT_VARIABLES.items():
            if (value := _positive_int(environ, variable)) is not None:
                values[name] = value
        if environ.get("EVENTS_GROUP_START_ID"):
            values["group_start_id"] = environ["EVENTS_GROUP_START_ID"]
        values["dead_letter_retention"] = StreamRetention.from_env(environ).for_stream(dead_letter_stream(stream))
        return replace(cls(stream=stream, group=group, **values), **overrides)
