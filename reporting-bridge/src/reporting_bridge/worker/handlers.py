"""The report worker's handler of report.requested (`ReportWorker`): computes the report with pandas, and
publishes report.progress, then report.ready or report.failed, on platform.events.

Each report is computed and announced once:
- While a worker computes a report, the backbone's lease keeps the job its own (service_kit.events.lease), however
  long the computation takes: no other worker takes it over from a live one.
- A worker killed mid-report stops renewing its lease: the backbone hands the job to a worker again after
  EVENTS_MIN_IDLE_MS, which computes the report from the start: the result is written with `ready` in one
  transaction, so nothing half-written is ever visible and recomputing is harmless.
- Each computation is an attempt, fenced by the report's attempt number (store.reports): should two ever run at
  once (a worker paused past its lease, then resuming), the older one stops at its next progress and ends with
  `AttemptSuperseded` (a failed delivery, so its job is never recorded as done on the newer one's behalf), and
  only the attempt that made the report final announces it.
- A final report delivered again (its worker died after storing it, maybe before announcing it) is announced
  again, with the same event id (`derived_event_id`): if the first announcement went out, consumers skip this one
  as a duplicate.

Spans (children of the consumer's `process reporting.jobs` span, so in the trace of the request that asked for
the report): `report` per report, and one per stage it reports in report.progress (`report.stage.loading`,
`report.stage.aggregating`); the progress events are published inside their stage's span.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from contract_types.events import ReportFailed, ReportProgress, ReportReady, ReportRequested
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Span, Tracer
from sqlalchemy import Engine

from reporting_bridge.domain.catalogue import FORMATS
from reporting_bridge.domain.report_job import ReportJob
from reporting_bridge.store import reports
from service_kit.events import EventPublisher, TypedEvent, derived_event_id

logger = logging.getLogger(__name__)

# Progress events are for people watching: one per 5 % is plenty.
PROGRESS_STEP = 5


class AttemptSuperseded(Exception):
    """Another computation of the report started after this one: this one stops, writing nothing more."""


def stage_of(percent: int) -> str:
    """The stage report.progress names at `percent`."""
    return "loading" if percent < 90 else "aggregating"


class StageSpans:
    """A span per stage of one report's computation, children of the report's span: the stage's span starts at
    the first progress of that stage and ends at the next stage's, or at `end`. Progress comes from the thread the
    computation runs on; each stage's span is made current there, so what is published from it is its child."""

    def __init__(self, tracer: Tracer, report_id: str) -> None:
        self.tracer = tracer
        self.report_id = report_id
        self.parent = otel_context.get_current()  # the report's span, taken where the report runs
        self._lock = threading.Lock()
        self._stage: str | None = None
        self._span: Span | None = None

    def enter(self, stage: str) -> otel_context.Context:
        """The context of `stage`'s span (started now if `stage` is a new one)."""
        with self._lock:
            if stage != self._stage:
                if self._span is not None:
                    self._span.end()
                self._stage = stage
                self._span = self.tracer.start_span(f"report.stage.{stage}", context=self.parent,
                                                    attributes={"report.id": self.report_id, "report.stage": stage})
            assert self._span is not None
            return trace.set_span_in_context(self._span, self.parent)

    def end(self) -> None:
        with self._lock:
            if self._span is not None:
                self._span.end()
            self._span = self._stage = None


class ReportWorker:
    def __init__(self, engine: Engine, publisher: EventPublisher, chunk_rows: int, tracer: Tracer | None = None) -> None:
        self.engine = engine
        self.publisher = publisher
        self.chunk_rows = chunk_rows
        self.tracer = tracer or trace.get_tracer(__name__)

    async def __call__(self, event: TypedEvent[ReportRequested]) -> None:
        report_id = str(event.data.report_id)
        with self.tracer.start_as_current_span("report", attributes={"report.id": report_id}) as span:
            await self._run(report_id, span)

    async def _run(self, report_id: str, span: Span) -> None:
        engine = self.engine
        report = await asyncio.to_thread(reports.find, engine, report_id)
        if report is None:
            logger.warning("report.requested for report %s, which does not exist (taken back); skipped", report_id)
            return
        if report["status"] in reports.FINAL:
            # Final but delivered again: the worker died after storing it, maybe before announcing it.
            await self._announce(report)
            return
        span.set_attribute("report.type", report["type"])
        attempt = await asyncio.to_thread(reports.start, engine, report_id)
        if attempt is None:  # made final by another attempt since it was read: announced by it, or now
            await self._announce(await asyncio.to_thread(reports.find, engine, report_id))
            return
        span.set_attribute("report.attempt", attempt)
        job = ReportJob(report["type"], report["params"], report["scope_user_id"])
        loop = asyncio.get_running_loop()
        last_sent = [0]
        stages = StageSpans(self.tracer, report_id)

        def progress(percent: int) -> None:
            stage = stages.enter(stage_of(percent))  # before the step filter: a stage starts where it starts
            if percent - last_sent[0] < PROGRESS_STEP:
                return
            last_sent[0] = percent
            token = otel_context.attach(stage)
            try:
                if not reports.set_progress(engine, report_id, attempt, percent):
                    raise AttemptSuperseded
                try:  # progress is for people watching: a lost progress event must not fail the report
                    asyncio.run_coroutine_threadsafe(self._progress(report, percent), loop).result(timeout=10)
                except Exception:
                    logger.warning("Could not publish report.progress %s %% of report %s", percent, report_id,
                                   exc_info=True)
            finally:
                otel_context.detach(token)

        # pandas on the first report, not at start: about 45 MiB a worker that computes no report never needs
        from reporting_bridge.domain.compute import compute

        try:
            result = await asyncio.to_thread(compute, engine, job, progress, self.chunk_rows)
        except AttemptSuperseded:
            finished = False
        except Exception as error:  # a report that cannot be computed fails visibly, it is not retried
            logger.exception("Report %s (%s) failed", report_id, report["type"])
            finished = await asyncio.to_thread(reports.fail, engine, report_id, attempt, "computation_error",
                                               f"{type(error).__name__}: {error}")
        else:
            finished = await asyncio.to_thread(reports.complete, engine, report_id, attempt, result)
        finally:
            stages.end()
        if not finished:
            # Not a success: the job must not be recorded as done by this attempt, since the one that superseded
            # it may yet die before finishing; its worker (or whoever takes the job next) acknowledges it.
            raise AttemptSuperseded(f"attempt {attempt} at report {report_id} was superseded by a later one, which "
                                    "stores and announces the report")
        await self._announce(await asyncio.to_thread(reports.find, engine, report_id))

    async def _progress(self, report: dict[str, Any], percent: int) -> None:
        await self.publisher.publish(ReportProgress(
            report_id=report["id"], user_id=report["owner_id"], report_type=report["type"], progress=percent,
            stage=stage_of(percent)), subject=report["id"])

    async def _announce(self, report: dict[str, Any]) -> None:
        """report.ready or report.failed, with the id derived from the report's: announcing again is a duplicate."""
        common = {"report_id": report["id"], "user_id": report["owner_id"], "report_type": report["type"]}
        finished_at = reports.aware(report["completed_at"])
        outcome: ReportReady | ReportFailed
        if report["status"] == "ready":
            outcome = ReportReady(**common, formats=list(FORMATS), download_url=reports.download_url(report["id"]),
                                  row_count=report["row_count"], completed_at=finished_at)
        else:
            outcome = ReportFailed(**common, error_code=report["error_code"], reason=report["error_reason"],
                                   failed_at=finished_at)
        await self.publisher.publish(outcome, subject=report["id"], event_id=derived_event_id(report["id"], outcome))
