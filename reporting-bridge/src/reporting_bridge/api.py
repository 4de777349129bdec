"""The report API under /api/reports: catalogue, requests, status, lists and downloads."""

from __future__ import annotations

import logging
import math
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine
from starlette.exceptions import HTTPException

from reporting_bridge import jobs
from reporting_bridge.catalogue import (
    REPORT_TYPES,
    CreateReportRequest,
    ReportFormat,
    ReportTypeId,
    check_params,
    describe,
)
from reporting_bridge.database import get_engine
from reporting_bridge.render import MEDIA_TYPES, render
from reporting_bridge.resources import Report, ReportData, ReportPage, ReportStatus, ReportTypeList
from reporting_bridge.streams import JOBS_STREAM
from service_kit.auth import Principal, require_principal
from service_kit.events import EventPublisher, get_publisher
from service_kit.problems import PROBLEM_TYPE_BASE, problem_response

logger = logging.getLogger(__name__)

# What the download's 200 says in the OpenAPI document (FastAPI cannot infer it from a raw Response).
DOWNLOAD_CONTENT = {
    "text/csv": {"schema": {"type": "string"}},
    MEDIA_TYPES["xlsx"]: {"schema": {"type": "string", "contentMediaType": MEDIA_TYPES["xlsx"]}},
    "image/png": {"schema": {"type": "string", "contentMediaType": "image/png"}},
}

router = APIRouter(tags=["reports"])

DatabaseEngine = Annotated[Engine, Depends(get_engine)]
Reader = Annotated[Principal, Depends(require_principal())]
Submitter = Annotated[Principal, Depends(require_principal("user", "admin"))]


def _not_found(report_id: str) -> HTTPException:
    return HTTPException(HTTPStatus.NOT_FOUND, detail=f"There is no report {report_id}.")


def _visible_report(engine: Engine, principal: Principal, report_id: str) -> dict[str, Any]:
    """Owner or admin; to anyone else a report that exists looks like one that does not."""
    row = jobs.find(engine, report_id)
    if row is None or not principal.may_access(row["owner_id"]):
        raise _not_found(report_id)
    return row


@router.get("/types", operation_id="listReportTypes", summary="The reports the caller may request",
            response_model=ReportTypeList, response_model_exclude_none=True)
async def list_report_types(principal: Reader) -> dict[str, Any]:
    return {"items": [describe(t) for t in REPORT_TYPES.values() if t.visible_to(principal)]}


@router.post("", operation_id="createReport", status_code=HTTPStatus.ACCEPTED, summary="Request a report (asynchronous)",
             response_model=Report, response_model_exclude_none=True)
async def create_report(
    body: CreateReportRequest,
    request: Request,
    response: Response,
    principal: Submitter,
    engine: DatabaseEngine,
    publisher: Annotated[EventPublisher, Depends(get_publisher)],
) -> dict[str, Any]:
    report_type = REPORT_TYPES[body.type]
    if not report_type.visible_to(principal):
        raise HTTPException(HTTPStatus.FORBIDDEN, detail=f"{body.type} is a platform-wide report: admins only.")
    params = check_params(report_type, body.params)
    scope_user_id = None if report_type.scope == "platform" or principal.has_any_role("admin") else principal.user_id
    row = await run_in_threadpool(jobs.create, engine, owner_id=principal.user_id, report_type=body.type,
                                  params=params, scope_user_id=scope_user_id)
    try:
        await publisher.publish(JOBS_STREAM, "report.requested", {
            "report_id": row["id"], "user_id": principal.user_id, "report_type": body.type, "parameters": params,
            "requested_at": jobs.rfc3339(row["created_at"])}, subject=row["id"])
    except Exception:
        logger.exception("Could not queue report %s; taking it back", row["id"])
        await run_in_threadpool(jobs.discard, engine, row["id"])
        raise HTTPException(HTTPStatus.SERVICE_UNAVAILABLE, detail="The report queue is unavailable; try again.")
    response.headers["Location"] = f"{request.url.path.rstrip('/')}/{row['id']}"
    return jobs.representation(row)


@router.get("", operation_id="listReports", summary="The caller's reports (an admin sees everyone's), newest first",
            response_model=ReportPage, response_model_exclude_none=True)
async def list_reports(
    principal: Reader,
    engine: DatabaseEngine,
    page: Annotated[int, Query(ge=0, description="Zero-based page number")] = 0,
    size: Annotated[int, Query(ge=1, le=100, description="Reports per page")] = 20,
    status: Annotated[ReportStatus | None, Query(description="Only reports in this status")] = None,
    type: Annotated[ReportTypeId | None, Query(description="Only reports of this type")] = None,
) -> dict[str, Any]:
    owner = None if principal.has_any_role("admin") else principal.user_id
    rows, total = await run_in_threadpool(jobs.page, engine, owner_id=owner, page_number=page, size=size,
                                          status=status, report_type=type)
    return {"items": [jobs.representation(row) for row in rows], "page": page, "size": size,
            "total_items": total, "total_pages": math.ceil(total / size)}


@router.get("/{id}", operation_id="getReport", summary="One report's status, progress and summary",
            response_model=Report, response_model_exclude_none=True)
async def get_report(id: str, principal: Reader, engine: DatabaseEngine) -> dict[str, Any]:
    return jobs.representation(await run_in_threadpool(_visible_report, engine, principal, id))


@router.get("/{id}/download", operation_id="downloadReport", summary="Download a ready report",
            response_class=Response, responses={200: {"description": "The report file", "model": ReportData, "content": DOWNLOAD_CONTENT}})
async def download_report(
    id: str,
    format: Annotated[ReportFormat, Query(description="File format; the response's media type follows it")],
    request: Request,
    principal: Reader,
    engine: DatabaseEngine,
) -> Response:
    row = await run_in_threadpool(_visible_report, engine, principal, id)
    if row["status"] != "ready":
        return problem_response(request.url.path, HTTPStatus.CONFLICT, title="Report not ready",
                                problem_type=PROBLEM_TYPE_BASE + "report-not-ready",
                                detail=f"The report is {row['status']} ({row['progress']} %); download it once it is ready.")
    result = await run_in_threadpool(jobs.result_of, engine, id)
    document = {**row, "generated_at": jobs.rfc3339(result["generated_at"])}
    content = await run_in_threadpool(render, format, document, result["columns"], result["rows"])
    return Response(content, media_type=MEDIA_TYPES[format], headers={
        "Content-Disposition": f'attachment; filename="{row["type"]}-{id}.{format}"'})
