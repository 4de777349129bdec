"""The report types, their parameters, and the checks a request passes before anything is written.

The request and catalogue bodies are the contract's models (contract_types.openapi.reporting); what a report
type is made of (its scope, which granularities and groupings it takes, its defaults) is this service's
knowledge, kept in `ReportDefinition`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from contract_types.openapi.reporting import (
    Granularity,
    GroupBy,
    Name,
    ReportFormat,
    ReportParameter,
    ReportParams,
    ReportType,
    ReportTypeId,
    Scope,
    Type,
)
from fastapi.exceptions import RequestValidationError
from pydantic import MISSING

from service_kit.auth import Principal

FORMATS: tuple[ReportFormat, ...] = tuple(ReportFormat)

# Hourly rows over a long range would make a result of hundreds of thousands of rows: bounded.
MAX_RANGE_DAYS = {Granularity.hour: 31, Granularity.day: 366, Granularity.week: 366}


@dataclass(frozen=True)
class ReportDefinition:
    """One report type as this service computes it; `describe` turns it into the contract's `ReportType`."""

    id: ReportTypeId
    title: str
    description: str
    scope: Scope
    granularities: tuple[Granularity, ...]
    group_bys: tuple[GroupBy, ...]
    default_granularity: Granularity
    default_group_by: GroupBy

    def visible_to(self, principal: Principal) -> bool:
        return self.scope is Scope.own or principal.has_any_role("admin")


REPORT_TYPES: dict[ReportTypeId, ReportDefinition] = {
    definition.id: definition
    for definition in (
        ReportDefinition(ReportTypeId.user_signups, "User sign-ups",
                         "Accounts registered per day or week, per role (user.registered).",
                         Scope.platform, (Granularity.day, Granularity.week), (GroupBy.none, GroupBy.role),
                         Granularity.day, GroupBy.role),
        ReportDefinition(ReportTypeId.inference_usage, "Inference usage",
                         "Model uses, jobs and predictions per day or week, prediction-weighted mean delay risk, "
                         "p50/p95 job duration; or predictions and delay risk per lane. The caller's own usage "
                         "(an admin's: everyone's).",
                         Scope.own, (Granularity.day, Granularity.week), (GroupBy.none, GroupBy.lane),
                         Granularity.day, GroupBy.none),
        ReportDefinition(ReportTypeId.platform_activity, "Platform activity",
                         "Events per type per hour (or day) on platform.events.",
                         Scope.platform, (Granularity.hour, Granularity.day), (GroupBy.event_type, GroupBy.none),
                         Granularity.hour, GroupBy.event_type),
    )
}


def resolved(definition: ReportDefinition, params: ReportParams) -> dict[str, Any]:
    """The parameters with the type's defaults filled in, as stored and shown (the contract's ReportParameters)."""
    granularity = definition.default_granularity if params.granularity is MISSING else params.granularity
    group_by = definition.default_group_by if params.group_by is MISSING else params.group_by
    return {"from": params.from_.isoformat(), "to": params.to.isoformat(), "granularity": granularity.value,
            "group_by": group_by.value}


def _invalid(pointer: tuple[str, ...], message: str, value: Any) -> dict[str, Any]:
    return {"type": "value_error", "loc": ("body", *pointer), "msg": message, "input": value}


def check_params(definition: ReportDefinition, params: ReportParams) -> dict[str, Any]:
    """The resolved parameters, or RequestValidationError (422) naming each value the type does not take."""
    values = resolved(definition, params)
    granularity, group_by = Granularity(values["granularity"]), GroupBy(values["group_by"])
    problems = []
    if params.to < params.from_:
        problems.append(_invalid(("params", "to"), "must not be before from", values["to"]))
    elif (params.to - params.from_) + timedelta(days=1) > timedelta(days=MAX_RANGE_DAYS[granularity]):
        problems.append(_invalid(("params", "to"), f"at most {MAX_RANGE_DAYS[granularity]} days "
                                 f"with granularity {granularity.value}", values["to"]))
    if granularity not in definition.granularities:
        problems.append(_invalid(("params", "granularity"), f"{definition.id.value} takes one of "
                                 f"{', '.join(g.value for g in definition.granularities)}", granularity.value))
    if group_by not in definition.group_bys:
        problems.append(_invalid(("params", "group_by"), f"{definition.id.value} takes one of "
                                 f"{', '.join(g.value for g in definition.group_bys)}", group_by.value))
    if problems:
        raise RequestValidationError(problems)
    return values


def describe(definition: ReportDefinition) -> ReportType:
    """The catalogue entry: what the type is and which values each parameter takes."""
    return ReportType(
        id=definition.id,
        title=definition.title,
        description=definition.description,
        scope=definition.scope,
        formats=list(FORMATS),
        parameters=[
            ReportParameter(name=Name.from_, type=Type.date, required=True,
                            description="First day covered (UTC, inclusive)"),
            ReportParameter(name=Name.to, type=Type.date, required=True,
                            description="Last day covered (UTC, inclusive); at most "
                            + ", ".join(f"{MAX_RANGE_DAYS[g]} days by {g.value}" for g in definition.granularities)),
            ReportParameter(name=Name.granularity, type=Type.string, required=False,
                            values=[g.value for g in definition.granularities],
                            default_value=definition.default_granularity.value,
                            description="Time bucket of the rows"),
            ReportParameter(name=Name.group_by, type=Type.string, required=False,
                            values=[g.value for g in definition.group_bys],
                            default_value=definition.default_group_by.value,
                            description="Extra grouping of the rows"),
        ],
    )
