from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.report_type_id import ReportTypeId

if TYPE_CHECKING:
    from ..models.report_data_rows_item import ReportDataRowsItem
    from ..models.report_data_summary import ReportDataSummary
    from ..models.report_parameters import ReportParameters


T = TypeVar("T", bound="ReportData")


@_attrs_define
class ReportData:
    """The `json` download. Rows are objects keyed by column; an empty cell (a mean over nothing) is null.
    Columns per type: user-signups `period_start`, [`role`], `signups`; inference-usage `period_start`,
    `uses`, `predictions`, `mean_delay_probability`, `mean_latency_ms`, `jobs`, `p50_job_duration_ms`,
    `p95_job_duration_ms` (per lane: `period_start`, `origin`, `destination`, `predictions`,
    `mean_delay_probability`); platform-activity `period_start`, [`event_type`], `events`.

        Attributes:
            report_id (UUID):
            type_ (ReportTypeId): `inference-usage`: own data (an admin's: everyone's); `user-signups`, `platform-activity`:
                platform-wide (admin)
            params (ReportParameters): What the report covers, the type's defaults filled in (as GET /api/reports/{id} shows
                them).
            generated_at (datetime.datetime):
            summary (ReportDataSummary):
            columns (list[str]): Column names, snake_case, in order
            rows (list[ReportDataRowsItem]): One object per row, keyed by column
    """

    report_id: UUID
    type_: ReportTypeId
    params: ReportParameters
    generated_at: datetime.datetime
    summary: ReportDataSummary
    columns: list[str]
    rows: list[ReportDataRowsItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        report_id = str(self.report_id)

        type_ = self.type_.value

        params = self.params.to_dict()

        generated_at = self.generated_at.isoformat()

        summary = self.summary.to_dict()

        columns = self.columns

        rows = []
        for rows_item_data in self.rows:
            rows_item = rows_item_data.to_dict()
            rows.append(rows_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "report_id": report_id,
                "type": type_,
                "params": params,
                "generated_at": generated_at,
                "summary": summary,
                "columns": columns,
                "rows": rows,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.report_data_rows_item import ReportDataRowsItem
        from ..models.report_data_summary import ReportDataSummary
        from ..models.report_parameters import ReportParameters

        d = dict(src_dict)
        report_id = UUID(d.pop("report_id"))

        type_ = ReportTypeId(d.pop("type"))

        params = ReportParameters.from_dict(d.pop("params"))

        generated_at = datetime.datetime.fromisoformat(d.pop("generated_at"))

        summary = ReportDataSummary.from_dict(d.pop("summary"))

        columns = cast(list[str], d.pop("columns"))

        rows = []
        _rows = d.pop("rows")
        for rows_item_data in _rows:
            rows_item = ReportDataRowsItem.from_dict(rows_item_data)

            rows.append(rows_item)

        report_data = cls(
            report_id=report_id,
            type_=type_,
            params=params,
            generated_at=generated_at,
            summary=summary,
            columns=columns,
            rows=rows,
        )

        report_data.additional_properties = d
        return report_data

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
