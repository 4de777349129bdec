"""Settings of the event backbone: `EventSettings` reads the environment (pydantic-settings, like
`service_kit.settings`); `StreamRetention` and `ConsumerSettings` are what the publisher and each consumer
are built with, from those settings and the code's own choices (stream, group, test timings).

Durations are milliseconds, as Redis takes them. An empty variable counts as unset.

| variable | default | meaning |
|---|---|---|
| EVENTS_RETENTION | the contract's (contract_types.streams.RETENTION) | `stream=entries,...`: approximate MAXLEN per stream, merged over the defaults |
| EVENTS_DEFAULT_RETENTION | 10000 | MAXLEN ~ of a stream not listed |
| EVENTS_DLQ_RETENTION | 10000 | MAXLEN ~ of every `<stream>.dlq` not listed |
| EVENTS_BATCH_SIZE | 16 | XREADGROUP / XAUTOCLAIM COUNT |
| EVENTS_BLOCK_MS | 2000 | XREADGROUP BLOCK |
| EVENTS_RECLAIM_INTERVAL_MS | 5000 | how often idle pending entries are reclaimed (XAUTOCLAIM) |
| EVENTS_MIN_IDLE_MS | 30000 | idle time after which a pending entry is reclaimed |
| EVENTS_MAX_DELIVERIES | 5 | the handler runs at most this often for an entry; failing on the last one sends it to `<stream>.dlq` |
| EVENTS_DEDUPE_WINDOW_MS | 86400000 | how long a handled event id is remembered (idempotency) |
| EVENTS_SHUTDOWN_TIMEOUT_MS | 10000 | how long a graceful shutdown waits for in-flight handlers |
| EVENTS_GROUP_START_ID | 0 | where a newly created consumer group starts |

The consumer name is the instance id (INSTANCE_ID, `service_kit.settings`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Annotated, Any

from contract_types.streams import DEAD_LETTER_STREAMS, RETENTION, Stream
from pydantic import BeforeValidator, Field, PositiveInt
from pydantic_settings import BaseSettings, NoDecode

from service_kit.settings import platform_settings_config

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


def _retention_items(value: Any) -> Any:
    """EVENTS_RETENTION's `stream=entries,...` (the format the Java services read too) as a mapping; the entries
    are then checked as positive whole numbers, each reported under EVENTS_RETENTION.<stream>."""
    if not isinstance(value, str):
        return value
    items: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        stream, separator, entries = item.partition("=")
        if not separator or not stream.strip():
            raise ValueError(f"EVENTS_RETENTION items are stream=entries, not {item!r}")
        items[stream.strip()] = entries.strip()
    return items


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


@dataclass(frozen=True, kw_only=True)
class ConsumerSettings:
    """One consumer of one stream in one consumer group."""

    stream: str
    group: str
    consumer: str
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


class EventSettings(BaseSettings):
    """The backbone's variables (EVENTS_*), the same names and defaults as the Java services'; a consumer's
    defaults are ConsumerSettings'."""

    model_config = platform_settings_config()

    retention: Annotated[Mapping[str, PositiveInt], NoDecode, BeforeValidator(_retention_items)] = Field(
        default_factory=dict, validation_alias="EVENTS_RETENTION")
    default_retention: PositiveInt = Field(DEFAULT_OTHER_RETENTION, validation_alias="EVENTS_DEFAULT_RETENTION")
    dlq_retention: PositiveInt = Field(DEFAULT_DEAD_LETTER_RETENTION, validation_alias="EVENTS_DLQ_RETENTION")
    batch_size: PositiveInt = Field(ConsumerSettings.batch_size, validation_alias="EVENTS_BATCH_SIZE")
    block_ms: PositiveInt = Field(ConsumerSettings.block_ms, validation_alias="EVENTS_BLOCK_MS")
    reclaim_interval_ms: PositiveInt = Field(ConsumerSettings.reclaim_interval_ms,
                                             validation_alias="EVENTS_RECLAIM_INTERVAL_MS")
    min_idle_ms: PositiveInt = Field(ConsumerSettings.min_idle_ms, validation_alias="EVENTS_MIN_IDLE_MS")
    max_deliveries: PositiveInt = Field(ConsumerSettings.max_deliveries, validation_alias="EVENTS_MAX_DELIVERIES")
    dedupe_window_ms: PositiveInt = Field(ConsumerSettings.dedupe_window_ms, validation_alias="EVENTS_DEDUPE_WINDOW_MS")
    shutdown_timeout_ms: PositiveInt = Field(ConsumerSettings.shutdown_timeout_ms,
                                             validation_alias="EVENTS_SHUTDOWN_TIMEOUT_MS")
    group_start_id: str = Field(ConsumerSettings.group_start_id, validation_alias="EVENTS_GROUP_START_ID")

    def stream_retention(self) -> StreamRetention:
        return StreamRetention(by_stream=MappingProxyType({**DEFAULT_RETENTION, **self.retention}),
                               dead_letter=self.dlq_retention, other=self.default_retention)

    def consumer(self, *, stream: str, group: str, consumer: str, **overrides: Any) -> ConsumerSettings:
        """Settings of `consumer` of `stream` in `group`: these, then `overrides` over them (tests' timings)."""
        from_environment = {name: getattr(self, name) for name in CONSUMER_VARIABLES}
        dead_letters = self.stream_retention().for_stream(dead_letter_stream(stream))
        return replace(ConsumerSettings(stream=stream, group=group, consumer=consumer, **from_environment,
                                        dead_letter_retention=dead_letters), **overrides)


# The ConsumerSettings fields the environment sets.
CONSUMER_VARIABLES = ("batch_size", "block_ms", "reclaim_interval_ms", "min_idle_ms", "max_deliveries",
                      "dedupe_window_ms", "shutdown_timeout_ms", "group_start_id")
