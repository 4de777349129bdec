"""The API's response bodies, as pydantic models so that the live OpenAPI document states them (and the
contract drift test compares them). Optional members are left out when unset, never null."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema

from reporting_bridge.catalogue import Granularity, GroupBy, ReportFormat, ReportTypeId, no_default

ReportStatus = Literal["queued", "running", "ready", "failed"]


def absent(description: str) -> Any:
    """An optional member: left out of the JSON when unset (responses use response_model_exclude_none)."""
    return Field(default=None, description=description, json_schema_extra=no_default)


class ReportParameter(BaseModel):
    name: Literal["from", "to", "granularity", "group_by"]
    type: Literal["date", "string"]
    required: bool
    description: str
    values: list[str] | SkipJsonSchema[None] = absent("The values it takes, when they are a fixed set")
    default_value: str | SkipJsonSchema[None] = absent("The value used when it is left out")


class ReportType(BaseModel):
    id: ReportTypeId
    title: str
    description: str
    scope: Literal["own", "platform"] = Field(
        description="`own`: the caller's data (an admin's: everyone's); `platform`: everyone's, admins only")
    formats: list[ReportFormat]
    parameters: list[ReportParameter]


class ReportTypeList(BaseModel):
    items: list[ReportType]


class ResolvedParams(BaseModel):
    from_: str = Field(alias="from", description="First day covered (UTC, inclusive)", json_schema_extra={"format": "date"})
    to: str = Field(description="Last day covered (UTC, inclusive)", json_schema_extra={"format": "date"})
    granularity: Granularity
    group_by: GroupBy


class ReportError(BaseModel):
    code: str
    reason: str


class Report(BaseModel):
    id: str = Field(json_schema_extra={"format": "uuid"})
    type: ReportTypeId
    status: ReportStatus
    progress: int = Field(ge=0, le=100, description="Percent done")
    owner_id: str = Field(description="The user who requested it", json_schema_extra={"format": "uuid"})
    params: ResolvedParams = Field(description="The parameters, the type's defaults filled in")
    created_at: str = Field(json_schema_extra={"format": "date-time"})
    started_at: str | SkipJsonSchema[None] = absent("When a worker (last) started it")
    completed_at: str | SkipJsonSchema[None] = absent("When it became ready or failed")
    formats: list[ReportFormat] | SkipJsonSchema[None] = absent("Once ready")
    download_url: str | SkipJsonSchema[None] = absent("Once ready; add ?format=")
    row_count: int | SkipJsonSchema[None] = absent("Once ready: rows of the table")
    summary: dict[str, Any] | SkipJsonSchema[None] = absent("Once ready: the report's totals (per type)")
    error: ReportError | SkipJsonSchema[None] = absent("Once failed")


class ReportPage(BaseModel):
    items: list[Report]
    page: int = Field(ge=0)
    size: int = Field(ge=1, le=100)
    total_items: int = Field(ge=0)
    total_pages: int = Field(ge=0)


class ReportData(BaseModel):
    """The `json` download: the report's table (a row is an object keyed by column; empty cells are null)."""

    report_id: str = Field(json_schema_extra={"format": "uuid"})
    type: ReportTypeId
    params: ResolvedParams
    generated_at: str = Field(json_schema_extra={"format": "date-time"})
    summary: dict[str, Any]
    columns: list[str] = Field(description="Column names, snake_case, in order")
    rows: list[dict[str, Any]]
