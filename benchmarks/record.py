"""One benchmark run's headline figures, as a small JSON file that benchmarks/capacity.py reads.

A benchmark that takes `--record PATH` (add_record_option) writes, after its printed table, the per-instance figures
its run produced (write_record): the date, the machine (cores, load average: a figure from two busy cores is not one
from a quiet server), the figures, and the peer measured in the same run with the ratio against it. The committed
records are in benchmarks/measured/ (its README says where each came from); read_record refuses a file without the
figures a reader needs, naming the file and what is missing, instead of letting a KeyError or a zero surface later.
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import UTC, datetime
from pathlib import Path


class RecordError(ValueError):
    """A record that cannot be used: missing, not JSON, or without a figure its reader needs."""


def add_record_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--record", type=Path, metavar="PATH",
                        help="also write the headline per-instance figures as JSON to PATH (read by capacity.py)")


def write_record(path: Path | None, benchmark: str, figures: dict, peer: dict | None = None) -> None:
    """Write the record when `--record` was given; `peer` is {"name": …, "ratio": figure / peer's figure}."""
    if path is None:
        return
    machine = {"cores": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2)}
    record = {
        "benchmark": benchmark,
        "date": datetime.now(UTC).date().isoformat(),
        "machine": machine,
        "source": f"a run of benchmarks/{benchmark} --record, {machine['cores']} cores, load average "
                  f"{machine['load_average_1m']} at the end",
        "figures": figures,
        "peer": peer,
    }
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"recorded in {path}")


def read_record(path: Path, required: tuple[str, ...]) -> dict:
    """The record; each name in `required` must be a positive number in its figures (a dotted name reads a nested
    one)."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RecordError(f"{path}: no such record (write it with the benchmark's --record option)") from None
    except json.JSONDecodeError as error:
        raise RecordError(f"{path}: not JSON ({error})") from None
    figures = record.get("figures") if isinstance(record, dict) else None
    if not isinstance(figures, dict):
        raise RecordError(f"{path}: no \"figures\" object")
    for name in required:
        value = figures
        for key in name.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise RecordError(f"{path}: figures.{name} must be a positive number, found {value!r}")
    return record
