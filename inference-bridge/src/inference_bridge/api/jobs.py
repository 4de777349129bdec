"""Jobs: POST /v1/jobs (up to 100,000 shipments, as JSON or a CSV upload) queues one on inference.jobs for the
worker (`inference_bridge.worker`); GET /v1/jobs/{id} follows it, GET /v1/jobs/{id}/result downloads its
predictions. A job is its owner's (or an admin's): to anyone else it does not exist."""

from __future__ import annotations

import csv
import io
import uuid
from http import HTTPStatus
from typing import Annotated, Any, Literal

import orjson
from annotated_types import MaxLen
from contract_types.events import InferenceJobRequested
from contract_types.openapi.inference import CreateJobRequest, Job, JobResult, JobStatus, Shipment
from contract_types.openapi.inference import Error as JobError
from fastapi import APIRouter, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from inference_bridge.api.dependencies import Jobs, Metrics, Publisher, SignedIn, Submitter
from inference_bridge.domain.predictions import columns_of
from inference_bridge.settings import API_PREFIX
from inference_bridge.store.jobs import JobState, JobStore
from service_kit.auth import Principal

CSV_COLUMNS = tuple(Shipment.model_fields)
# The contract's bound on a job's rows (CreateJobRequest.shipments maxItems), which a CSV upload obeys too.
MAX_JOB_ROWS = next(bound.max_length for bound in CreateJobRequest.model_fields["shipments"].metadata
                    if isinstance(bound, MaxLen))

router = APIRouter(tags=["jobs"])

_job_request = TypeAdapter(CreateJobRequest)
_csv_rows = TypeAdapter(list[Shipment])


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


@router.post("/jobs", operation_id="createInferenceJob", status_code=HTTPStatus.ACCEPTED,
             response_model=Job, openapi_extra=_JOB_BODY,
             summary="Submit up to 100,000 shipments (JSON, or a CSV upload) for a queued prediction job")
async def create_job(request: Request, response: Response, principal: Submitter, store: Jobs, publisher: Publisher,
                     metrics: Metrics) -> Job:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "application/json":
        shipments = await _shipments_from_json(request)
    elif media_type == "multipart/form-data":
        shipments = await _shipments_from_csv(request)
    else:
        raise HTTPException(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                            detail="Send application/json ({\"shipments\": [...]}) or multipart/form-data with a CSV 'file'.")
    job = await store.create(user_id=principal.user_id, columns=columns_of(shipments), total_items=len(shipments))
    await publisher.publish(InferenceJobRequested(
        job_id=job.id, user_id=principal.user_id, total_items=job.total_items, requested_at=job.fields["created_at"],
    ), subject=job.id)
    metrics.jobs.labels("submitted").inc()
    response.headers["Location"] = f"{API_PREFIX}/v1/jobs/{job.id}"
    return _job_view(job)


async def _visible_job(store: JobStore, job_id: uuid.UUID, principal: Principal) -> JobState:
    job = await store.get(str(job_id))
    if job is None or not principal.may_access(job.user_id):  # someone else's job is not there at all
        raise HTTPException(HTTPStatus.NOT_FOUND, detail=f"There is no job {job_id}.")
    return job


@router.get("/jobs/{id}", operation_id="getInferenceJob", response_model=Job,
            summary="A job's status and progress, and where its result is")
async def get_job(id: uuid.UUID, principal: SignedIn, store: Jobs) -> Job:
    job = await _visible_job(store, id, principal)
    return _job_view(job)


@router.get("/jobs/{id}/result", operation_id="getInferenceJobResult", response_model=JobResult,
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
            summary="The predictions of a job that succeeded, as JSON or CSV")
async def get_job_result(id: uuid.UUID, principal: SignedIn, store: Jobs,
                         format: Annotated[Literal["json", "csv"], Query(description="json or csv")] = "json") -> Response:
    job = await _visible_job(store, id, principal)
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
