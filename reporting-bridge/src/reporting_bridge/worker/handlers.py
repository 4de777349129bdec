"""The report worker's handler of report.requested (`ReportWorker`): computes the report with pandas, and
publishes report.progress, then report.ready or report.failed, on platform.events.

A worker killed mid-report leaves the job pending on the stream; the backbone hands it to a worker again
(EVENTS_MIN_IDLE_MS), which computes the report from the start: the result is written with `ready` in one
transaction, so nothing half-written is ever visible and recomputing is harmless.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from contract_types.events import ReportFailed, ReportProgress, ReportReady, ReportRequested
from sqlalchemy import Engine

from reporting_bridge.domain.catalogue import FORMATS
from reporting_bridge.domain.compute import ReportJob, compute
from reporting_bridge.store import reports
from service_kit.events import EventPublisher, TypedEvent

logger = logging.getLogger(__name__)

# Progress events are for people watching: one per 5 % is plenty.
PROGRESS_STEP = 5


class ReportWorker:
    def __init__(self, engine: Engine, publisher: EventPublisher, chunk_rows: int) -> None:
        self.engine = engine
        self.publisher = publisher
        self.chunk_rows = chunk_rows

    async def __call__(self, event: TypedEvent[ReportRequested]) -> None:
        report_id = str(event.data.report_id)
        engine = self.engine
        report = await asyncio.to_thread(reports.find, engine, report_id)
        if report is None:
            logger.warning("report.requested for report %s, which does not exist (taken back); skipped", report_id)
            return
        if report["status"] in reports.FINAL:
            # Final but delivered again: the worker died after storing it, maybe before announcing it.
            await self._announce(report)
            return
        await asyncio.to_thread(reports.start, engine, report_id)
        job = ReportJob(report["type"], report["params"], report["scope_user_id"])
        loop = asyncio.get_running_loop()
        last_sent = [0]

        def progress(percent: int) -> None:
            if percent - last_sent[0] < PROGRESS_STEP:
                return
            last_sent[0] = percent
            reports.set_progress(engine, report_id, percent)
            try:  # progress is for people watching: a lost progress event must not fail the report
                asyncio.run_coroutine_threadsafe(self._progress(report, percent), loop).result(timeout=10)
            except Exception:
                logger.warning("Could not publish report.progress %s %% of report %s", percent, report_id,
                               exc_info=True)

        try:
            result = await asyncio.to_thread(compute, engine, job, progress, self.chunk_rows)
        except Exception as error:  # a report that cannot be computed fails visibly, it is not retried
            logger.exception("Report %s (%s) failed", report_id, report["type"])
            await asyncio.to_thread(reports.fail, engine, report_id, "computation_error", f"{type(error).__name__}: {error}")
        else:
            await asyncio.to_thread(reports.complete, engine, report_id, result)
        await self._announce(await asyncio.to_thread(reports.find, engine, report_id))

    async def _progress(self, report: dict[str, Any], percent: int) -> None:
        await self.publisher.publish(ReportProgress(
            report_id=report["id"], user_id=report["owner_id"], report_type=report["type"], progress=percent,
            stage="loading" if percent < 90 else "aggregating"), subject=report["id"])

    async def _announce(self, report: dict[str, Any]) -> None:
        common = {"report_id": report["id"], "user_id": report["owner_id"], "report_type": report["type"]}
        finished_at = reports.aware(report["completed_at"])
        if report["status"] == "ready":
            await self.publisher.publish(ReportReady(
                **common, formats=list(FORMATS), download_url=reports.download_url(report["id"]),
                row_count=report["row_count"], completed_at=finished_at), subject=report["id"])
        else:
            await self.publisher.publish(ReportFailed(
                **common, error_code=report["error_code"], reason=report["error_reason"], failed_at=finished_at),
                subject=report["id"])
