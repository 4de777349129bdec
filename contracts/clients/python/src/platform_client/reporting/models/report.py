from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.report_format import ReportFormat
from ..models.report_status import ReportStatus
from ..models.report_type_id import ReportTypeId
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.report_error import ReportError
    from ..models.report_parameters import ReportParameters
    from ..models.report_summary import ReportSummary


T = TypeVar("T", bound="Report")


@_attrs_define
class Report:
    """
    Attributes:
        id (UUID):
        type_ (ReportTypeId): `inference-usage`: own data (an admin's: everyone's); `user-signups`, `platform-activity`:
            platform-wide (admin)
        status (ReportStatus):
        progress (int): Percent done, 0..100
        owner_id (UUID): The user who requested it
        params (ReportParameters): What the report covers, the type's defaults filled in (as GET /api/reports/{id} shows
            them).
        created_at (datetime.datetime):
        started_at (datetime.datetime | Unset): When a worker (last) started it
        completed_at (datetime.datetime | Unset): When it became ready or failed
        formats (list[ReportFormat] | Unset): Present once ready
        download_url (str | Unset): Present once ready; add ?format=
        row_count (int | Unset): Present once ready; rows of the table
        summary (ReportSummary | Unset): Present once ready: the report's totals. user-signups: `signups` (and
            `by_role`);
            inference-usage: `uses`, `predictions`, `mean_delay_probability`, `jobs`, `p50_job_duration_ms`,
            `p95_job_duration_ms` (per lane: `predictions`, `lanes`, `mean_delay_probability`);
            platform-activity: `events` (and `by_event_type`).
        error (ReportError | Unset): Present once failed
    """

    id: UUID
    type_: ReportTypeId
    status: ReportStatus
    progress: int
    owner_id: UUID
    params: ReportParameters
    created_at: datetime.datetime
    started_at: datetime.datetime | Unset = UNSET
    completed_at: datetime.datetime | Unset = UNSET
    formats: list[ReportFormat] | Unset = UNSET
    download_url: str | Unset = UNSET
    row_count: int | Unset = UNSET
    summary: ReportSummary | Unset = UNSET
    error: ReportError | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        type_ = self.type_.value

        status = self.status.value

        progress = self.progress

        owner_id = str(self.owner_id)

        params = self.params.to_dict()

        created_at = self.created_at.isoformat()

        started_at: str | Unset = UNSET
        if not isinstance(self.started_at, Unset):
            started_at = self.started_at.isoformat()

        completed_at: str | Unset = UNSET
        if not isinstance(self.completed_at, Unset):
            completed_at = self.completed_at.isoformat()

        formats: list[str] | Unset = UNSET
        if not isinstance(self.formats, Unset):
            formats = []
            for formats_item_data in self.formats:
                formats_item = formats_item_data.value
                formats.append(formats_item)

        download_url = self.download_url

        row_count = self.row_count

        summary: dict[str, Any] | Unset = UNSET
        if not isinstance(self.summary, Unset):
            summary = self.summary.to_dict()

        error: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error, Unset):
            error = self.error.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "status": status,
                "progress": progress,
                "owner_id": owner_id,
                "params": params,
                "created_at": created_at,
            }
        )
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if completed_at is not UNSET:
            field_dict["completed_at"] = completed_at
        if formats is not UNSET:
            field_dict["formats"] = formats
        if download_url is not UNSET:
            field_dict["download_url"] = download_url
        if row_count is not UNSET:
            field_dict["row_count"] = row_count
        if summary is not UNSET:
            field_dict["summary"] = summary
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.report_error import ReportError
        from ..models.report_parameters import ReportParameters
        from ..models.report_summary import ReportSummary

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        type_ = ReportTypeId(d.pop("type"))

        status = ReportStatus(d.pop("status"))

        progress = d.pop("progress")

        owner_id = UUID(d.pop("owner_id"))

        params = ReportParameters.from_dict(d.pop("params"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        _started_at = d.pop("started_at", UNSET)
        started_at: datetime.datetime | Unset
        if isinstance(_started_at, Unset):
            started_at = UNSET
        else:
            started_at = datetime.datetime.fromisoformat(_started_at)

        _completed_at = d.pop("completed_at", UNSET)
        completed_at: datetime.datetime | Unset
        if isinstance(_completed_at, Unset):
            completed_at = UNSET
        else:
            completed_at = datetime.datetime.fromisoformat(_completed_at)

        _formats = d.pop("formats", UNSET)
        formats: list[ReportFormat] | Unset = UNSET
        if _formats is not UNSET:
            formats = []
            for formats_item_data in _formats:
                formats_item = ReportFormat(formats_item_data)

                formats.append(formats_item)

        download_url = d.pop("download_url", UNSET)

        row_count = d.pop("row_count", UNSET)

        _summary = d.pop("summary", UNSET)
        summary: ReportSummary | Unset
        if isinstance(_summary, Unset):
            summary = UNSET
        else:
            summary = ReportSummary.from_dict(_summary)

        _error = d.pop("error", UNSET)
        error: ReportError | Unset
        if isinstance(_error, Unset):
            error = UNSET
        else:
            error = ReportError.from_dict(_error)

        report = cls(
            id=id,
            type_=type_,
            status=status,
            progress=progress,
            owner_id=owner_id,
            params=params,
            created_at=created_at,
            started_at=started_at,
            completed_at=completed_at,
            formats=formats,
            download_url=download_url,
            row_count=row_count,
            summary=summary,
            error=error,
        )

        report.additional_properties = d
        return report

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
