"""The HTTP API under /api/inference/v1: sync predictions, jobs and the model card.

Request and response bodies are the contract's models (contract_types.openapi.inference); the events it
publishes (inference.job.requested, inference.usage) are the contract's payload models.
"""

from __future__ import annotations

import csv
import io
import logging
import time
import uuid
from http import HTTPStatus
from typing import Annotated, Any, Literal

import orjson
from annotated_types import MaxLen
from contract_types.events import InferenceJobRequested, InferenceUsage
from contract_types.openapi.inference import (
    CreateJobRequest,
    EtaBatchRequest,
    EtaBatchResponse,
    EtaPrediction,
    Job,
    JobResult,
    JobStatus,
    ModelCard,
    Shipment,
)
from contract_types.openapi.inference import Error as JobError
from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from inference_bridge.jobs import JobState, JobStore, job_ttl_seconds
from inference_bridge.metrics import InferenceMetrics
from inference_bridge.model import EtaModel
from inference_bridge.predictions import columns_of, prediction_rows, usage_event
from service_kit.auth import Principal, require_principal
from service_kit.events import EventPublisher

API_PREFIX = "/api/inference"
CSV_COLUMNS = tuple(Shipment.model_fields)
# The contract's bound on a job's rows (CreateJobRequest.shipments maxItems), which a CSV upload obeys too.
MAX_JOB_ROWS = next(bound.max_length for bound in CreateJobRequest.model_fields["shipments"].metadata
                    if isinstance(bound, MaxLen))

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/v1")
SignedIn = Annotated[Principal, Depends(require_principal())]
Submitter = Annotated[Principal, Depends(require_principal("admin", "user"))]

_job_request = TypeAdapter(CreateJobRequest)
_csv_rows = TypeAdapter(list[Shipment])


def _model(request: Request) -> EtaModel:
    return request.app.state.model


def _metrics(request: Request) -> InferenceMetrics:
    return request.app.state.inference_metrics


def _publish_usage(publisher: EventPublisher, usage: InferenceUsage) -> Any:
    async def publish() -> None:
        try:
            await publisher.publish(usage, subject=str(usage.user_id))
        except Exception:  # the prediction was served: a lost usage record must not turn it into an error
            logger.warning("could not publish inference.usage", exc_info=True)

    return publish


def _predict(request: Request, principal: Principal, background: BackgroundTasks, shipments: list[Shipment],
             operation: str) -> list[EtaPrediction]:
    model, metrics = _model(request), _metrics(request)
    started = time.perf_counter()
    columns = columns_of(shipments)
    rows = prediction_rows(model, columns)
    seconds = time.perf_counter() - started
    metrics.prediction_seconds.labels(operation).observe(seconds)
    metrics.batch_rows.labels(operation).observe(len(rows))
    background.add_task(_publish_usage(request.app.state.publisher, usage_event(
        user_id=principal.user_id, operation=operation, model_version=model.version, latency_ms=seconds * 1000,
        origins=columns["origin"], destinations=columns["destination"],
        probabilities=[row.delay_probability for row in rows])))
    return rows


@router.post("/eta", operation_id="predictEta", tags=["predictions"], response_model=EtaPrediction,
             summary="Predict the transit time, ETA and delay risk of one shipment")
async def predict_eta(shipment: Shipment, request: Request, principal: SignedIn,
                      background: BackgroundTasks) -> EtaPrediction:
    return _predict(request, principal, background, [shipment], "eta")[0]


@router.post("/eta/batch", operation_id="predictEtaBatch", tags=["predictions"], response_model=EtaBatchResponse,
             summary="Predict up to 1000 shipments in one vectorised call")
async def predict_eta_batch(body: EtaBatchRequest, request: Request, principal: SignedIn,
                            background: BackgroundTasks) -> EtaBatchResponse:
    rows = _predict(request, principal, background, body.shipments, "eta_batch")
    return EtaBatchResponse(model_version=_model(request).version, predictions=rows)


@router.get("/model", operation_id="getModelCard", tags=["model"], response_model=ModelCard,
            summary="The model card of the served model")
async def get_model_card(request: Request, principal: SignedIn) -> ModelCard:
    return ModelCard.model_validate(_model(request).card)


# -- jobs --------------------------------------------------------------------------------------------

def _invalid(errors: list[dict[str, Any]], prefix: tuple[str | int, ...]) -> RequestValidationError:
    return RequestValidationError([{**error, "loc": (*prefix, *error["loc"])} for error in errors])


def _one_error(pointer: tuple[str | int, ...], message: str) -> RequestValidationError:
    return RequestValidationError([{"type": "value_error", "loc": pointer, "msg": message}])


async def _shipments_from_json(request: Request) -> list[Shipment]:
    body = await request.body()
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise RequestValidationError([{"type": "json_invalid", "loc": ("body", error.pos), "msg": "JSON decode error",
                                       "ctx": {"error": error.msg}}]) from None
    try:
        return _job_request.validate_python(document).shipments
    except ValidationError as error:
        raise _invalid(error.errors(include_url=False), ("body",)) from None


async def _shipments_from_csv(request: Request) -> list[Shipment]:
    form = await request.form(max_files=1, max_fields=10)
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise _one_error(("body", "file"), "a CSV file is required in the form field 'file'")
    try:
        text = (await upload.read()).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _one_error(("body", "file"), "the file is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text))
    header = tuple(reader.fieldnames or ())
    missing = [name for name in CSV_COLUMNS if name not in header]
    unknown = [name for name in header if name not in CSV_COLUMNS]
    if missing or unknown:
        problems = ([f"missing columns: {', '.join(missing)}"] if missing else []) + (
            [f"unknown columns: {', '.join(unknown)}"] if unknown else [])
        raise _one_error(("body", "file"), f"the header must name the columns {', '.join(CSV_COLUMNS)} ({'; '.join(problems)})")
    rows: list[dict[str, Any]] = []
    for row in reader:
        if len(rows) == MAX_JOB_ROWS:
            raise _one_error(("body", "file"), f"at most {MAX_JOB_ROWS} rows per job")
        if None in row:
            raise _one_error(("body", "file", len(rows)), "the row has more values than the header has columns")
        rows.append(row)
    if not rows:
        raise _one_error(("body", "file"), "the file has no rows")
    try:
        return _csv_rows.validate_python(rows)
    except ValidationError as error:
        raise _invalid(error.errors(include_url=False), ("body", "file")) from None


def _json_schema_of_job_request() -> dict[str, Any]:
    schema = CreateJobRequest.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)  # Shipment: in components already, through POST /v1/eta
    return schema


_JOB_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": _json_schema_of_job_request()},
            "multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary",
                                        "description": "CSV with a header row naming the shipment fields"}}}},
        },
    }
}


def _job_view(job: JobState) -> Job:
    """The Job resource; what a job does not have (yet) is left out."""
    total, processed = job.total_items, job.processed_items
    present: dict[str, Any] = {name: job.get(name) for name in ("model_version", "started_at", "finished_at")
                               if job.get(name) is not None}
    if job.status == JobStatus.succeeded:
        present["result_url"] = f"{API_PREFIX}/v1/jobs/{job.id}/result"
    if job.status == JobStatus.failed:
        present["error"] = JobError(code=job.get("error_code") or "internal_error", reason=job.get("error_reason") or "")
    return Job(id=job.id, status=job.status, total_items=total, processed_items=processed,
               progress=100 if job.status == JobStatus.succeeded else processed * 100 // total,
               created_at=job.fields["created_at"], **present)


@router.post("/jobs", operation_id="createInferenceJob", tags=["jobs"], status_code=HTTPStatus.ACCEPTED,
             response_model=Job, openapi_extra=_JOB_BODY,
             summary="Submit up to 100,000 shipments (JSON, or a CSV upload) for a queued prediction job")
async def create_job(request: Request, response: Response, principal: Submitter) -> Job:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "application/json":
        shipments = await _shipments_from_json(request)
    elif media_type == "multipart/form-data":
        shipments = await _shipments_from_csv(request)
    else:
        raise HTTPException(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                            detail="Send application/json ({\"shipments\": [...]}) or multipart/form-data with a CSV 'file'.")
    store = JobStore(request.app.state.redis, job_ttl_seconds())
    job = await store.create(user_id=principal.user_id, columns=columns_of(shipments), total_items=len(shipments))
    await request.app.state.publisher.publish(InferenceJobRequested(
        job_id=job.id, user_id=principal.user_id, total_items=job.total_items, requested_at=job.fields["created_at"],
    ), subject=job.id)
    _metrics(request).jobs.labels("submitted").inc()
    response.headers["Location"] = f"{API_PREFIX}/v1/jobs/{job.id}"
    return _job_view(job)


async def _visible_job(request: Request, job_id: uuid.UUID, principal: Principal) -> tuple[JobStore, JobState]:
    store = JobStore(request.app.state.redis, job_ttl_seconds())
    job = await store.get(str(job_id))
    if job is None or not principal.may_access(job.user_id):  # someone else's job is not there at all
        raise HTTPException(HTTPStatus.NOT_FOUND, detail=f"There is no job {job_id}.")
    return store, job


@router.get("/jobs/{id}", operation_id="getInferenceJob", tags=["jobs"], response_model=Job,
            summary="A job's status and progress, and where its result is")
async def get_job(id: uuid.UUID, request: Request, principal: SignedIn) -> Job:
    _, job = await _visible_job(request, id, principal)
    return _job_view(job)


@router.get("/jobs/{id}/result", operation_id="getInferenceJobResult", tags=["jobs"], response_model=JobResult,
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
            summary="The predictions of a job that succeeded, as JSON or CSV")
async def get_job_result(id: uuid.UUID, request: Request, principal: SignedIn,
                         format: Annotated[Literal["json", "csv"], Query(description="json or csv")] = "json") -> Response:
    store, job = await _visible_job(request, id, principal)
    if job.status != "succeeded":
        raise HTTPException(HTTPStatus.CONFLICT, detail=f"Job {id} is {job.status}: it has no result.")
    predictions = await store.results(job.id)
    if format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["row", "transit_hours", "eta", "delay_probability"])
        writer.writerows([p["row"], p["transit_hours"], p["eta"], p["delay_probability"]] for p in predictions)
        return Response(out.getvalue(), media_type="text/csv", headers={
            "Content-Disposition": f'attachment; filename="inference-job-{job.id}.csv"'})
    body = {"job_id": job.id, "model_version": job.get("model_version"), "predictions": predictions}
    return Response(orjson.dumps(body), media_type="application/json")
