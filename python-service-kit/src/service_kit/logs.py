"""Process-wide logging: one line per event on stdout, readable text or JSON (LOG_FORMAT), with the request id and
the current span's trace id and span id.

Configured once by the process entry point (`service_kit.server.run`), never by the app factory: a
library that reconfigures logging would fight with whatever embeds it (pytest's log capture, for one).
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any

import orjson

from service_kit.request_id import current_request_id
from service_kit.tracing import current_ids
from service_kit.settings import LogFormat

TEXT_FORMAT = "%(asctime)s %(levelname)-7s [%(log_context)s] %(name)s: %(message)s"

# Attributes every LogRecord has; anything else on a record came from `extra=` and goes into the JSON.
# uvicorn adds `color_message` (the message with ANSI colours) to some records: noise in a log store.
_RECORD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message", "log_context"}


class RequestIdFilter(logging.Filter):
    """Stamps each record with the id of the request being served (see `request_id`) and the trace id and span
    id of the current span (a request's server span, a consumer's `process` span, a worker's job span: see
    `service_kit.tracing`), each if any: outside a span the record has neither."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = current_request_id()
        if request_id is not None and not hasattr(record, "request_id"):
            record.request_id = request_id
        ids = current_ids()
        if ids is not None and not hasattr(record, "trace_id"):
            record.trace_id, record.span_id = ids
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: timestamp (RFC 3339 UTC), level, logger, message, request_id, trace_id, span_id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update((key, value) for key, value in record.__dict__.items() if key not in _RECORD_ATTRIBUTES)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: an `extra` value orjson cannot encode is logged as its text rather than lost.
        return orjson.dumps(entry, default=str).decode()


class TextFormatter(logging.Formatter):
    """`[<request id>]`, or `[<request id> trace=<trace id> span=<span id>]` inside a span, before the logger's
    name."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        context = getattr(record, "request_id", "-")
        if (trace_id := getattr(record, "trace_id", None)) is not None:
            context += f" trace={trace_id} span={getattr(record, 'span_id', '-')}"
        record.log_context = context
        return super().formatMessage(record)


def build_formatter(log_format: LogFormat) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter()
    return TextFormatter()


def configure_logging(log_format: LogFormat, level: int = logging.INFO) -> None:
    """Send every logger (the service's, uvicorn's, libraries') through one handler on stdout."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(build_formatter(log_format))
    # On the handler, not a logger: a logger's filters do not see records propagated from its children.
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    for previous in root.handlers[:]:
        root.removeHandler(previous)
    root.addHandler(handler)
    root.setLevel(level)
