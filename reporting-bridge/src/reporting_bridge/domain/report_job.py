"""What a report job asks for and what it yields, apart from the pandas that computes it (domain/compute.py): the
API process stores and serves results without importing pandas (decision 0023)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any


@dataclass
class ReportResult:
    columns: list[str]
    rows: list[dict[str, Any]]
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportJob:
    type: str
    params: dict[str, Any]
    scope_user_id: str | None

    @property
    def start(self) -> datetime:
        return datetime.combine(date.fromisoformat(self.params["from"]), datetime.min.time())

    @property
    def end(self) -> datetime:
        """Exclusive: midnight after the last day."""
        return datetime.combine(date.fromisoformat(self.params["to"]), datetime.min.time()) + timedelta(days=1)
