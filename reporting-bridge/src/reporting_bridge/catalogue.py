"""The report types, their parameters, and the checks a request passes before anything is written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from service_kit.auth import Principal

ReportTypeId = Literal["user-signups", "inference-usage", "platform-activity"]
Granularity = Literal["hour", "day", "week"]
GroupBy = Literal["none", "role", "lane", "event_type"]
ReportFormat = Literal["csv", "xlsx", "json", "png"]
FORMATS: tuple[ReportFormat, ...] = ("csv", "xlsx", "json", "png")

# Hourly rows over a long range would make a result of hundreds of thousands of rows: bounded.
MAX_RANGE_DAYS = {"hour": 31, "day": 366, "week": 366}


@dataclass(frozen=True)
class ReportType:
    id: ReportTypeId
    title: str
    description: str
    scope: Literal["own", "platform"]
    granularities: tuple[Granularity, ...]
    group_bys: tuple[GroupBy, ...]
    default_granularity: Granularity
    default_group_by: GroupBy

    def visible_to(self, principal: Principal) -> bool:
        return self.scope == "own" or principal.has_any_role("admin")


REPORT_TYPES: dict[str, ReportType] = {
    report_type.id: report_type
    for report_type in (
        ReportType("user-signups", "User sign-ups",
                   "Accounts registered per day or week, per role (user.registered).",
                   "platform", ("day", "week"), ("none", "role"), "day", "role"),
        ReportType("inference-usage", "Inference usage",
                   "Model uses, jobs and predictions per day or week, prediction-weighted mean delay risk, "
                   "p50/p95 job duration; or predictions and delay risk per lane. The caller's own usage "
                   "(an admin's: everyone's).",
                   "own", ("day", "week"), ("none", "lane"), "day", "none"),
        ReportType("platform-activity", "Platform activity",
                   "Events per type per hour (or day) on platform.events.",
                   "platform", ("hour", "day"), ("event_type", "none"), "hour", "event_type"),
    )
}


def no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


class ReportParams(BaseModel):
    """What a report covers: the UTC days `from`..`to` (both included), the time bucket and the grouping."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: date = Field(alias="from", description="First day covered (UTC, inclusive)")
    to: date = Field(description="Last day covered (UTC, inclusive)")
    # Left out (the type's default applies): the schema states no null and no default of its own.
    granularity: Granularity | SkipJsonSchema[None] = Field(
        default=None, description="Time bucket of the rows; default: the type's (see GET /api/reports/types)",
        json_schema_extra=no_default)
    group_by: GroupBy | SkipJsonSchema[None] = Field(
        default=None, description="Extra grouping of the rows; default: the type's", json_schema_extra=no_default)

    def resolved(self, report_type: ReportType) -> dict[str, Any]:
        """The parameters with the type's defaults filled in, as stored and shown."""
        return {"from": self.from_.isoformat(), "to": self.to.isoformat(),
                "granularity": self.granularity or report_type.default_granularity,
                "group_by": self.group_by or report_type.default_group_by}


class CreateReportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: ReportTypeId = Field(description="Which report (see GET /api/reports/types)")
    params: ReportParams


def _invalid(pointer: tuple[str, ...], message: str, value: Any) -> dict[str, Any]:
    return {"type": "value_error", "loc": ("body", *pointer), "msg": message, "input": value}


def check_params(report_type: ReportType, params: ReportParams) -> dict[str, Any]:
    """The resolved parameters, or RequestValidationError (422) naming each value the type does not take."""
    resolved = params.resolved(report_type)
    problems = []
    if params.to < params.from_:
        problems.append(_invalid(("params", "to"), "must not be before from", resolved["to"]))
    elif (params.to - params.from_) + timedelta(days=1) > timedelta(days=MAX_RANGE_DAYS[resolved["granularity"]]):
        problems.append(_invalid(("params", "to"), f"at most {MAX_RANGE_DAYS[resolved['granularity']]} days "
                                 f"with granularity {resolved['granularity']}", resolved["to"]))
    if resolved["granularity"] not in report_type.granularities:
        problems.append(_invalid(("params", "granularity"), f"{report_type.id} takes one of "
                                 f"{', '.join(report_type.granularities)}", resolved["granularity"]))
    if resolved["group_by"] not in report_type.group_bys:
        problems.append(_invalid(("params", "group_by"), f"{report_type.id} takes one of "
                                 f"{', '.join(report_type.group_bys)}", resolved["group_by"]))
    if problems:
        raise RequestValidationError(problems)
    return resolved


def describe(report_type: ReportType) -> dict[str, Any]:
    """The catalogue entry: what the type is and which values each parameter takes."""
    return {
        "id": report_type.id,
        "title": report_type.title,
        "description": report_type.description,
        "scope": report_type.scope,
        "formats": list(FORMATS),
        "parameters": [
            {"name": "from", "type": "date", "required": True, "description": "First day covered (UTC, inclusive)"},
            {"name": "to", "type": "date", "required": True,
             "description": "Last day covered (UTC, inclusive); at most "
                            + ", ".join(f"{MAX_RANGE_DAYS[g]} days by {g}" for g in report_type.granularities)},
            {"name": "granularity", "type": "string", "required": False, "values": list(report_type.granularities),
             "default_value": report_type.default_granularity, "description": "Time bucket of the rows"},
            {"name": "group_by", "type": "string", "required": False, "values": list(report_type.group_bys),
             "default_value": report_type.default_group_by, "description": "Extra grouping of the rows"},
        ],
    }
