from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.report_parameters_granularity import ReportParametersGranularity
from ..models.report_parameters_group_by import ReportParametersGroupBy

T = TypeVar("T", bound="ReportParameters")


@_attrs_define
class ReportParameters:
    """What the report covers, the type's defaults filled in (as GET /api/reports/{id} shows them).

    Attributes:
        from_ (datetime.date): First day covered (UTC, inclusive).
        to (datetime.date): Last day covered (UTC, inclusive).
        granularity (ReportParametersGranularity): Time bucket of the rows: UTC hour, UTC day or ISO week.
        group_by (ReportParametersGroupBy): Extra grouping of the rows.
    """

    from_: datetime.date
    to: datetime.date
    granularity: ReportParametersGranularity
    group_by: ReportParametersGroupBy

    def to_dict(self) -> dict[str, Any]:
        from_ = self.from_.isoformat()

        to = self.to.isoformat()

        granularity = self.granularity.value

        group_by = self.group_by.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "from": from_,
                "to": to,
                "granularity": granularity,
                "group_by": group_by,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        from_ = datetime.date.fromisoformat(d.pop("from"))

        to = datetime.date.fromisoformat(d.pop("to"))

        granularity = ReportParametersGranularity(d.pop("granularity"))

        group_by = ReportParametersGroupBy(d.pop("group_by"))

        report_parameters = cls(
            from_=from_,
            to=to,
            granularity=granularity,
            group_by=group_by,
        )

        return report_parameters
