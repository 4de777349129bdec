"""The run's history: every request, every event a client received, every fault, as JSON lines on disk (kept after
the run, for a person to read) and in memory (for the checks).

One record per line, `kind` first: `request` (time, user, operation, status, latency, problem type, Retry-After,
request id; status 0 with `error` when no answer came), `event` (client, event id, type, topic, subject, time),
`fault` (name, start, end: the end is when the platform had recovered), `submitted` (what a 2xx accepted: a job,
a report, a broadcast, a registration, with the id the check follows), and `note` (a client's reconnect, …).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Fault:
    name: str
    started: float
    ended: float | None = None

    def covers(self, moment: float) -> bool:
        return self.started <= moment <= (self.ended if self.ended is not None else float("inf"))


@dataclass
class History:
    path: Path
    records: list[dict[str, Any]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._file = self.path.open("w", encoding="utf-8")

    def record(self, kind: str, **fields: Any) -> dict[str, Any]:
        entry = {"kind": kind, "t": fields.pop("t", time.time()), **fields}
        with self._lock:
            self.records.append(entry)
            self._file.write(json.dumps(entry, separators=(",", ":")) + "\n")
            self._file.flush()
        return entry

    def fault_started(self, name: str, **details: Any) -> Fault:
        fault = Fault(name, time.time())
        self.faults.append(fault)
        self.record("fault", name=name, phase="start", **details)
        return fault

    def fault_ended(self, fault: Fault, **details: Any) -> None:
        fault.ended = time.time()
        self.record("fault", name=fault.name, phase="recovered", seconds=round(fault.ended - fault.started, 2),
                    **details)

    def during_fault(self, moment: float) -> Fault | None:
        return next((f for f in self.faults if f.covers(moment)), None)

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        with self._lock:
            return [r for r in self.records if r["kind"] == kind]

    def close(self) -> None:
        with self._lock:
            self._file.close()
