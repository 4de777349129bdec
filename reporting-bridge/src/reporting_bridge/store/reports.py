"""Report rows: what the API creates and shows, and the state changes the worker makes.

Status moves queued -> running -> ready | failed. `complete` writes the result and `ready` in one transaction
and only over a report that is not final yet, so a recomputation after a crash (or a duplicate delivery)
never leaves two results or half of one.

Each computation is fenced: `start` gives it the report's next attempt number, and its progress and outcome are
written only while that number is still the report's (`set_progress`, `complete`, `fail` say whether they were).
A computation that another one has taken over since (its worker paused, or lost its lease on the job, then went
on) stops at its next progress and never writes an outcome, so exactly one computation makes the report final:
the one that announces it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from contract_types.openapi.reporting import Error, Report, ReportParameters
from sqlalchemy import Engine, delete, func, insert, select, update

from reporting_bridge.domain.catalogue import FORMATS
from reporting_bridge.domain.report_job import ReportResult
from reporting_bridge.settings import API_PREFIX
from reporting_bridge.store.database import naive_utc
from reporting_bridge.store.tables import report_results, reports

FINAL = ("ready", "failed")


def now() -> datetime:
    return naive_utc(datetime.now(UTC))


def create(engine: Engine, *, owner_id: str, report_type: str, params: dict[str, Any],
           scope_user_id: str | None) -> dict[str, Any]:
    row = {"id": str(uuid.uuid4()), "owner_id": owner_id, "type": report_type, "params": params,
           "scope_user_id": scope_user_id, "status": "queued", "progress": 0, "created_at": now()}
    with engine.begin() as connection:
        connection.execute(insert(reports), row)
    return row


def discard(engine: Engine, report_id: str) -> None:
    """Takes back a report whose job could not be queued."""
    with engine.begin() as connection:
        connection.execute(delete(reports).where(reports.c.id == report_id))


def find(engine: Engine, report_id: str) -> dict[str, Any] | None:
    with engine.connect() as connection:
        row = connection.execute(select(reports).where(reports.c.id == report_id)).mappings().first()
    return dict(row) if row else None


def page(engine: Engine, *, owner_id: str | None, page_number: int, size: int, status: str | None,
         report_type: str | None) -> tuple[list[dict[str, Any]], int]:
    conditions = []
    if owner_id is not None:
        conditions.append(reports.c.owner_id == owner_id)
    if status is not None:
        conditions.append(reports.c.status == status)
    if report_type is not None:
        conditions.append(reports.c.type == report_type)
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(reports).where(*conditions)).scalar_one()
        rows = connection.execute(select(reports).where(*conditions)
                                  .order_by(reports.c.created_at.desc(), reports.c.id)
                                  .limit(size).offset(page_number * size)).mappings().all()
    return [dict(row) for row in rows], total


def start(engine: Engine, report_id: str) -> int | None:
    """A new attempt at computing the report: running from 0 % (again, when a worker takes over a report another
    one did not finish), under the next attempt number, which is returned; None when the report is final."""
    with engine.begin() as connection:
        attempt: int | None = connection.execute(
            update(reports).where(reports.c.id == report_id, reports.c.status.not_in(FINAL))
            .values(status="running", progress=0, started_at=now(), attempt=reports.c.attempt + 1)
            .returning(reports.c.attempt)).scalar_one_or_none()
    return attempt


def _current(report_id: str, attempt: int) -> tuple[Any, ...]:
    """The report's row, while `attempt` is its latest and it is not final."""
    return reports.c.id == report_id, reports.c.attempt == attempt, reports.c.status.not_in(FINAL)


def set_progress(engine: Engine, report_id: str, attempt: int, progress: int) -> bool:
    """False (nothing written) when `attempt` is no longer the report's current one."""
    with engine.begin() as connection:
        return bool(connection.execute(update(reports).where(*_current(report_id, attempt))
                                       .values(progress=progress)).rowcount)


def complete(engine: Engine, report_id: str, attempt: int, result: ReportResult) -> bool:
    """Result and `ready` together; False (nothing written) when the report was final already, or another
    attempt has started since `attempt`."""
    with engine.begin() as connection:
        changed = connection.execute(
            update(reports).where(*_current(report_id, attempt))
            .values(status="ready", progress=100, completed_at=now(), row_count=len(result.rows),
                    summary=result.summary)).rowcount
        if changed:
            connection.execute(delete(report_results).where(report_results.c.report_id == report_id))
            connection.execute(insert(report_results), {"report_id": report_id, "columns": result.columns,
                                                        "rows": result.rows, "generated_at": now()})
    return bool(changed)


def fail(engine: Engine, report_id: str, attempt: int, code: str, reason: str) -> bool:
    """`failed` with the reason; False (nothing written) as for `complete`."""
    with engine.begin() as connection:
        return bool(connection.execute(
            update(reports).where(*_current(report_id, attempt))
            .values(status="failed", completed_at=now(), error_code=code, error_reason=reason[:1000])).rowcount)


def result_of(engine: Engine, report_id: str) -> dict[str, Any] | None:
    with engine.connect() as connection:
        row = connection.execute(select(report_results).where(report_results.c.report_id == report_id)
                                 ).mappings().first()
    return dict(row) if row else None


def download_url(report_id: str) -> str:
    return f"{API_PREFIX}/{report_id}/download"


def aware(moment: datetime) -> datetime:
    """A stored (naive UTC) timestamp as the aware datetime the contract's models take."""
    return moment.replace(tzinfo=UTC)


def representation(row: dict[str, Any]) -> Report:
    """The Report resource of the API; members that do not apply (yet) are left out."""
    present: dict[str, Any] = {name: aware(row[name]) for name in ("started_at", "completed_at")
                               if row.get(name) is not None}
    if row["status"] == "ready":
        present.update(formats=list(FORMATS), download_url=download_url(row["id"]), row_count=row["row_count"],
                       summary=row["summary"] or {})
    if row["status"] == "failed":
        present["error"] = Error(code=row["error_code"], reason=row["error_reason"])
    return Report(id=row["id"], type=row["type"], status=row["status"], progress=row["progress"],
                  owner_id=row["owner_id"], params=ReportParameters.model_validate(row["params"]),
                  created_at=aware(row["created_at"]), **present)
