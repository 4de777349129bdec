"""Reports: the catalogue (GET /types), requests (POST, queued on reporting.jobs for the worker), status,
lists and downloads. A report is its owner's (or an admin's): to anyone else it does not exist."""

from __future__ import annotations

import logging
import math
import uuid
from http import HTTPStatus
from typing import Annotated, Any

from contract_types.events import ReportRequested
from contract_types.openapi.reporting import (
    CreateReportRequest,
    ListReportsParametersQuery,
    Report,
    ReportData,
    ReportFormat,
    ReportPage,
    ReportTypeList,
)
from contract_types.problems import ProblemType
from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import MISSING
from sqlalchemy import Engine
from starlette.exceptions import HTTPException

from reporting_bridge.api.dependencies import Database, Publisher, SignedIn, Submitter
from reporting_bridge.domain.catalogue import REPORT_TYPES, check_params, describe
from reporting_bridge.domain.render import MEDIA_TYPES, render
from reporting_bridge.store import reports
from service_kit.auth import Principal
from service_kit.outages import RETRY_AFTER_SECONDS
from service_kit.problems import problem_response

logger = logging.getLogger(__name__)

# What the download's 200 says in the OpenAPI document (FastAPI cannot infer it from a raw Response).
DOWNLOAD_CONTENT = {
    "text/csv": {"schema": {"type": "string"}},
    MEDIA_TYPES["xlsx"]: {"schema": {"type": "string", "contentMediaType": MEDIA_TYPES["xlsx"]}},
    "image/png": {"schema": {"type": "string", "contentMediaType": "image/png"}},
}

router = APIRouter(tags=["reports"])


def _not_found(report_id: str) -> HTTPException:
    return HTTPException(HTTPStatus.NOT_FOUND, detail=f"There is no report {report_id}.")


def _visible_report(engine: Engine, principal: Principal, report_id: str) -> dict[str, Any]:
    """Owner or admin; to anyone else a report that exists looks like one that does not."""
    row = reports.find(engine, report_id)
    if row is None or not principal.may_access(row["owner_id"]):
        raise _not_found(report_id)
    return row


@router.get("/types", operation_id="listReportTypes", summary="The reports the caller may request",
            response_model=ReportTypeList)
async def list_report_types(principal: SignedIn) -> ReportTypeList:
    return ReportTypeList(items=[describe(t) for t in REPORT_TYPES.values() if t.visible_to(principal)])


@router.post("", operation_id="createReport", status_code=HTTPStatus.ACCEPTED, summary="Request a report (asynchronous)",
             response_model=Report)
async def create_report(
    body: CreateReportRequest,
    request: Request,
    response: Response,
    principal: Submitter,
    engine: Database,
    publisher: Publisher,
) -> Report:
    definition = REPORT_TYPES[body.type]
    if not definition.visible_to(principal):
        raise HTTPException(HTTPStatus.FORBIDDEN, detail=f"{body.type.value} is a platform-wide report: admins only.")
    params = check_params(definition, body.params)
    scope_user_id = (None if definition.scope == "platform" or principal.has_any_role("admin")
                     else principal.user_id)
    row = await run_in_threadpool(reports.create, engine, owner_id=principal.user_id, report_type=body.type.value,
                                  params=params, scope_user_id=scope_user_id)
    try:
        await publisher.publish(ReportRequested(
            report_id=row["id"], user_id=principal.user_id, report_type=body.type.value, parameters=params,
            requested_at=reports.aware(row["created_at"])), subject=row["id"])
    except Exception:
        logger.exception("Could not queue report %s; taking it back", row["id"])
        await run_in_threadpool(reports.discard, engine, row["id"])
        raise HTTPException(HTTPStatus.SERVICE_UNAVAILABLE, detail="The report queue is unavailable; try again.",
                            headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    response.headers["Location"] = f"{request.url.path.rstrip('/')}/{row['id']}"
    return reports.representation(row)


@router.get("", operation_id="listReports", summary="The caller's reports (an admin sees everyone's), newest first",
            response_model=ReportPage)
async def list_reports(
    principal: SignedIn,
    engine: Database,
    # The contract's parameters, bounds included (a page beyond 1,000,000 overflowed SQLite's integers).
    query: Annotated[ListReportsParametersQuery, Query()],
) -> ReportPage:
    owner = None if principal.has_any_role("admin") else principal.user_id
    rows, total = await run_in_threadpool(reports.page, engine, owner_id=owner, page_number=query.page, size=query.size,
                                          status=None if query.status is MISSING else query.status.value,
                                          report_type=None if query.type is MISSING else query.type.value)
    return ReportPage(items=[reports.representation(row) for row in rows], page=query.page, size=query.size,
                      total_items=total, total_pages=math.ceil(total / query.size))


@router.get("/{id}", operation_id="getReport", summary="One report's status, progress and summary",
            response_model=Report)
async def get_report(id: uuid.UUID, principal: SignedIn, engine: Database) -> Report:
    return reports.representation(await run_in_threadpool(_visible_report, engine, principal, str(id)))


@router.get("/{id}/download", operation_id="downloadReport", summary="Download a ready report",
            response_class=Response, responses={200: {"description": "The report file", "model": ReportData, "content": DOWNLOAD_CONTENT}})
async def download_report(
    id: uuid.UUID,
    format: Annotated[ReportFormat, Query(description="File format; the response's media type follows it")],
    request: Request,
    principal: SignedIn,
    engine: Database,
) -> Response:
    row = await run_in_threadpool(_visible_report, engine, principal, str(id))
    if row["status"] != "ready":
        return problem_response(request.scope, ProblemType.REPORT_NOT_READY,
                                detail=f"The report is {row['status']} ({row['progress']} %); download it once it is ready.")
    result = await run_in_threadpool(reports.result_of, engine, row["id"])
    report = ReportData(report_id=row["id"], type=row["type"], params=row["params"],
                        generated_at=reports.aware(result["generated_at"]), summary=row["summary"] or {},
                        columns=result["columns"], rows=result["rows"])
    content = await run_in_threadpool(render, format.value, report)
    return Response(content, media_type=MEDIA_TYPES[format.value], headers={
        "Content-Disposition": f'attachment; filename="{row["type"]}-{row["id"]}.{format.value}"'})
