"""inference-bridge's own settings (INFERENCE_JOB_*), read from the environment like the kit's."""

from __future__ import annotations

from collections.abc import Mapping


def int_setting(environ: Mapping[str, str], name: str, default: int, *, minimum: int = 1) -> int:
    """The whole number in variable `name` (unset or empty: `default`), failing with a message that names it."""
    raw = environ.get(name) or str(default)
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {value}")
    return value
