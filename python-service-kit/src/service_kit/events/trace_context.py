"""W3C Trace Context (`traceparent`) for events: what a publisher stamps on an event, what a consumer continues.

The platform has no tracing SDK in its Python services yet, so the active trace lives in a context
variable: the consumer sets it around each handler call, and events published from inside the handler
carry the same trace id, which is what lets a log search follow one request across services.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

# version "00": exactly four dash-separated fields of lowercase hex (https://www.w3.org/TR/trace-context/).
_TRACEPARENT = re.compile(r"(?P<version>[0-9a-f]{2})-(?P<trace_id>[0-9a-f]{32})-(?P<span_id>[0-9a-f]{16})-(?P<flags>[0-9a-f]{2})")
_INVALID_VERSION = "ff"
_ZERO_TRACE_ID = "0" * 32
_ZERO_SPAN_ID = "0" * 16
_SAMPLED = 0x01


@dataclass(frozen=True)
class TraceContext:
    trace_id: str
    span_id: str
    flags: int = _SAMPLED

    @classmethod
    def parse(cls, traceparent: str) -> TraceContext:
        """Raises ValueError for anything W3C says a receiver must not accept."""
        match = _TRACEPARENT.match(traceparent)
        if match is None:
            raise ValueError(f"not a W3C traceparent: {traceparent!r}")
        # Version 00 has exactly four fields; a later version may append more after a dash, and its first
        # four keep their meaning (W3C: parse what you know of a future version).
        rest = traceparent[match.end() :]
        if rest and (match["version"] == "00" or not rest.startswith("-")):
            raise ValueError(f"not a W3C traceparent: {traceparent!r}")
        if match["version"] == _INVALID_VERSION:
            raise ValueError("traceparent version ff is invalid")
        if match["trace_id"] == _ZERO_TRACE_ID or match["span_id"] == _ZERO_SPAN_ID:
            raise ValueError("traceparent trace id and parent id must not be all zeros")
        return cls(trace_id=match["trace_id"], span_id=match["span_id"], flags=int(match["flags"], 16))

    @classmethod
    def new(cls) -> TraceContext:
        """The root of a new trace, sampled (nothing downstream drops it)."""
        return cls(trace_id=_random_hex(16, zero=_ZERO_TRACE_ID), span_id=_random_hex(8, zero=_ZERO_SPAN_ID))

    def child(self) -> TraceContext:
        """The same trace, one step further: a new span whose parent is this one."""
        return TraceContext(trace_id=self.trace_id, span_id=_random_hex(8, zero=_ZERO_SPAN_ID), flags=self.flags)

    @property
    def traceparent(self) -> str:
        # Always written as version 00, whatever version it was read from (W3C: a caller sends its own version).
        return f"00-{self.trace_id}-{self.span_id}-{self.flags:02x}"


def _random_hex(size: int, *, zero: str) -> str:
    while (value := secrets.token_hex(size)) == zero:  # all zeros is invalid; odds are 2^-64 or less
        pass
    return value


_current_trace: ContextVar[TraceContext | None] = ContextVar("trace_context", default=None)


def current_trace() -> TraceContext | None:
    """The trace this task works for, or None outside one."""
    return _current_trace.get()


@contextmanager
def use_trace(trace: TraceContext) -> Iterator[TraceContext]:
    """Makes `trace` the current trace inside the block (and in tasks created from it)."""
    token = _current_trace.set(trace)
    try:
        yield trace
    finally:
        _current_trace.reset(token)


def outgoing_trace() -> TraceContext:
    """The trace context to stamp on an outgoing event: continues the current trace, or starts one."""
    trace = current_trace()
    return trace.child() if trace is not None else TraceContext.new()
