"""Terminal output of the launcher: steps, errors, and per-service prefixed log lines."""

from __future__ import annotations

import os
import sys
from typing import NoReturn

_COLOURS = ("36", "35", "33", "32", "34", "31", "96")
_USE_COLOUR = sys.stdout.isatty() and os.environ.get("NO_COLOR") is None


class LauncherError(Exception):
    """A failure the user can act on; the message says what to do."""


def fail(message: str) -> NoReturn:
    raise LauncherError(message)


def paint(text: str, code: str) -> str:
    return f"\033[{code}m{text}\033[0m" if _USE_COLOUR else text


def step(message: str) -> None:
    print(paint("==> ", "1;34") + message, flush=True)


def warn(message: str) -> None:
    print(paint("warning: ", "1;33") + message, file=sys.stderr, flush=True)


def error(message: str) -> None:
    print(paint("error: ", "1;31") + message, file=sys.stderr, flush=True)


class Prefixer:
    """Prefixes each line with its part's name, padded and coloured, like `docker compose up`."""

    def __init__(self, names: list[str]):
        self.width = max(len(n) for n in names)
        self.colours = {n: _COLOURS[i % len(_COLOURS)] for i, n in enumerate(names)}

    def line(self, name: str, text: str) -> str:
        return paint(f"{name:<{self.width}} | ", self.colours.get(name, "0")) + text
