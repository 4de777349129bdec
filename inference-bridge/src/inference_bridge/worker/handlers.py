"""The worker's handler of inference.job.requested (`JobRunner.handle`).

Per job: predict the stored rows chunk by chunk (INFERENCE_JOB_CHUNK_ROWS, default 2000), store each chunk at
its own position (see `inference_bridge.store.jobs`), publish `inference.job.progress` at most once a second,
then `inference.job.completed` (or `inference.job.failed`) and one `inference.usage` on platform.events. Those
three carry ids derived from the job id, so a worker that dies after publishing and before recording that it
did publishes the same ids again, which every consumer skips as handled (at least once, never twice).
A worker killed mid-job leaves its entry pending; the backbone hands it to a live worker after
EVENTS_MIN_IDLE_MS, which resumes after the last stored chunk.

Spans (children of the consumer's `process inference.jobs` span, so in the trace of the request that submitted
the job): `inference.job` per job, `inference.job.chunk` per chunk; the progress events are published inside
their chunk's span, the outcome events inside the job's.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from typing import Any

from contract_types.events import InferenceJobCompleted, InferenceJobFailed, InferenceJobProgress, InferenceJobRequested
from opentelemetry import trace
from opentelemetry.trace import Tracer
from pydantic import BaseModel
from redis.exceptions import RedisError
from threadpoolctl import threadpool_limits

from inference_bridge.domain.metrics import InferenceMetrics
from inference_bridge.domain.model import EtaModel
from inference_bridge.domain.predictions import predict_columns, rfc3339, slice_columns, usage_event
from inference_bridge.settings import API_PREFIX, InferenceSettings
from inference_bridge.store.jobs import JobState, JobStore, now_rfc3339
from service_kit.events import EventPublisher, TypedEvent, derived_event_id

PROGRESS_INTERVAL_SECONDS = 1.0

logger = logging.getLogger(__name__)


class JobRunner:
    """Runs the jobs of inference.jobs; `handle` is the consumer's handler of inference.job.requested."""

    def __init__(self, store: JobStore, publisher: EventPublisher, model: EtaModel, metrics: InferenceMetrics,
                 settings: InferenceSettings, tracer: Tracer | None = None) -> None:
        self.store = store
        self.tracer = tracer or trace.get_tracer(__name__)
        self.publisher = publisher
        self.model = model
        self.metrics = metrics
        self.chunk_rows = settings.job_chunk_rows
        self.chunk_pause = settings.job_chunk_pause_ms / 1000

    async def handle(self, event: TypedEvent[InferenceJobRequested]) -> None:
        job_id = str(event.data.job_id)
        with self.tracer.start_as_current_span("inference.job", attributes={
                "inference.job.id": job_id, "inference.job.total_items": event.data.total_items}):
            await self._handle(job_id, event)

    async def _handle(self, job_id: str, event: TypedEvent[InferenceJobRequested]) -> None:
        job = await self.store.get(job_id)
        if job is None:
            logger.warning("job %s of event %s is unknown or expired: nothing to run", job_id, event.id)
            return
        if job.is_over:
            if job.get("events_published") is None:  # died between the outcome and its events
                await self._publish_outcome(await self.store.get(job.id) or job)
            return
        try:
            await self._run(job)
        except RedisError:
            raise  # the backbone retries the entry; the job resumes where its chunks stopped
        except Exception as error:
            logger.exception("job %s failed", job.id)
            await self._fail(job, "internal_error", f"The job could not be run ({type(error).__name__}).")

    async def _run(self, job: JobState) -> None:
        started = time.monotonic()
        columns = await self.store.input_columns(job.id)
        if columns is None:
            await self._fail(job, "input_expired", "The job's input expired before it could run.")
            return
        await self.store.mark_running(job.id, self.model.version)
        total = job.total_items
        chunks = -(-total // self.chunk_rows)
        first = await self.store.chunks_done(job.id)
        if first:
            logger.info("job %s resumes at chunk %d of %d", job.id, first + 1, chunks)
        last_progress = time.monotonic()
        for index in range(first, chunks):
            start, stop = index * self.chunk_rows, min(total, (index + 1) * self.chunk_rows)
            with self.tracer.start_as_current_span("inference.job.chunk", attributes={
                    "inference.job.id": job.id, "inference.job.chunk.index": index,
                    "inference.job.chunk.rows": stop - start}):
                part = slice_columns(columns, start, stop)
                hours, probability, eta = await asyncio.to_thread(_predict_one_thread, self.model, part)
                rows = [{"row": start + i, "transit_hours": round(float(h), 2), "eta": rfc3339(e),
                         "delay_probability": round(float(p), 4)}
                        for i, (h, p, e) in enumerate(zip(hours, probability, eta, strict=True))]
                await self.store.append_chunk(job.id, index, rows, stop)
                if stop < total and time.monotonic() - last_progress >= PROGRESS_INTERVAL_SECONDS:
                    last_progress = time.monotonic()
                    await self.publisher.publish(InferenceJobProgress(
                        job_id=job.id, user_id=job.user_id, progress=stop * 100 // total, processed_items=stop,
                        total_items=total), subject=job.id)
            if self.chunk_pause:
                await asyncio.sleep(self.chunk_pause)
        finished = await self.store.finish(job.id, status="succeeded", processed_items=str(total),
                                      finished_at=now_rfc3339())
        if finished:
            self.metrics.jobs.labels("succeeded").inc()
            self.metrics.job_seconds.labels("succeeded").observe(time.monotonic() - started)
            self.metrics.batch_rows.labels("job").observe(total)
        done = await self.store.get(job.id)
        if done is not None and done.get("events_published") is None:
            await self._publish_outcome(done)

    async def _fail(self, job: JobState, code: str, reason: str) -> None:
        if await self.store.finish(job.id, status="failed", error_code=code, error_reason=reason,
                              finished_at=now_rfc3339()):
            self.metrics.jobs.labels("failed").inc()
        failed = await self.store.get(job.id)
        if failed is not None:
            await self._publish_outcome(failed)

    async def _publish_outcome(self, job: JobState) -> None:
        if job.status == "failed":
            await self._publish_once(job.id, InferenceJobFailed(
                job_id=job.id, user_id=job.user_id, error_code=job.get("error_code") or "internal_error",
                reason=job.get("error_reason") or "The job failed.", processed_items=job.processed_items,
                failed_at=job.get("finished_at") or now_rfc3339()))
            await self.store.mark_events_published(job.id)
            return
        predictions = await self.store.results(job.id)
        duration_ms = _duration_ms(job)
        await self._publish_once(job.id, InferenceJobCompleted(
            job_id=job.id, user_id=job.user_id, model_version=job.get("model_version") or self.model.version,
            total_items=job.total_items, succeeded_items=len(predictions), failed_items=0,
            result_url=f"{API_PREFIX}/v1/jobs/{job.id}/result", duration_ms=duration_ms,
            completed_at=job.get("finished_at") or now_rfc3339()))
        columns = await self.store.input_columns(job.id)  # dropped once the events are out
        if columns is not None:
            origins, destinations = columns["origin"], columns["destination"]
            probabilities = [p["delay_probability"] for p in predictions]
            await self._publish_once(job.id, usage_event(
                user_id=job.user_id, operation="job", model_version=job.get("model_version") or self.model.version,
                latency_ms=float(duration_ms), origins=origins, destinations=destinations,
                probabilities=probabilities, job_id=job.id))
        await self.store.mark_events_published(job.id)

    async def _publish_once(self, job_id: str, payload: BaseModel) -> None:
        """Publishes an outcome of the job with an id derived from the job and the type: a repeat is a duplicate."""
        await self.publisher.publish(payload, subject=job_id, event_id=derived_event_id(job_id, payload))


def _predict_one_thread(model: EtaModel, columns: dict[str, list[Any]]) -> Any:
    # Off the event loop (health checks keep answering), with one OpenMP thread as in the API: threads that
    # spin on cores other work is using made predictions many times slower (see docs/performance.md).
    with threadpool_limits(limits=1):
        return predict_columns(model, columns)


def _duration_ms(job: JobState) -> int:
    started, finished = job.get("started_at"), job.get("finished_at")
    if not started or not finished:
        return 0
    return max(0, int((_parse(finished) - _parse(started)).total_seconds() * 1000))


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
