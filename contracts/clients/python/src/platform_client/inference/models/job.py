from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.job_status import JobStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.job_error import JobError


T = TypeVar("T", bound="Job")


@_attrs_define
class Job:
    """
    Attributes:
        id (str):
        status (JobStatus):
        progress (int): Percent done, 0..100
        total_items (int):
        processed_items (int):
        created_at (datetime.datetime):
        model_version (str | Unset): Semantic version of a trained model: artifact format . dataset generator . a number
            from the artifact's sha256
        started_at (datetime.datetime | Unset):
        finished_at (datetime.datetime | Unset):
        result_url (str | Unset): The JSON result once the job succeeded; add ?format=csv for CSV
        error (JobError | Unset): Present once the job failed
    """

    id: str
    status: JobStatus
    progress: int
    total_items: int
    processed_items: int
    created_at: datetime.datetime
    model_version: str | Unset = UNSET
    started_at: datetime.datetime | Unset = UNSET
    finished_at: datetime.datetime | Unset = UNSET
    result_url: str | Unset = UNSET
    error: JobError | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        status = self.status.value

        progress = self.progress

        total_items = self.total_items

        processed_items = self.processed_items

        created_at = self.created_at.isoformat()

        model_version = self.model_version

        started_at: str | Unset = UNSET
        if not isinstance(self.started_at, Unset):
            started_at = self.started_at.isoformat()

        finished_at: str | Unset = UNSET
        if not isinstance(self.finished_at, Unset):
            finished_at = self.finished_at.isoformat()

        result_url = self.result_url

        error: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error, Unset):
            error = self.error.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
                "progress": progress,
                "total_items": total_items,
                "processed_items": processed_items,
                "created_at": created_at,
            }
        )
        if model_version is not UNSET:
            field_dict["model_version"] = model_version
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at
        if result_url is not UNSET:
            field_dict["result_url"] = result_url
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.job_error import JobError

        d = dict(src_dict)
        id = d.pop("id")

        status = JobStatus(d.pop("status"))

        progress = d.pop("progress")

        total_items = d.pop("total_items")

        processed_items = d.pop("processed_items")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        model_version = d.pop("model_version", UNSET)

        _started_at = d.pop("started_at", UNSET)
        started_at: datetime.datetime | Unset
        if isinstance(_started_at, Unset):
            started_at = UNSET
        else:
            started_at = datetime.datetime.fromisoformat(_started_at)

        _finished_at = d.pop("finished_at", UNSET)
        finished_at: datetime.datetime | Unset
        if isinstance(_finished_at, Unset):
            finished_at = UNSET
        else:
            finished_at = datetime.datetime.fromisoformat(_finished_at)

        result_url = d.pop("result_url", UNSET)

        _error = d.pop("error", UNSET)
        error: JobError | Unset
        if isinstance(_error, Unset):
            error = UNSET
        else:
            error = JobError.from_dict(_error)

        job = cls(
            id=id,
            status=status,
            progress=progress,
            total_items=total_items,
            processed_items=processed_items,
            created_at=created_at,
            model_version=model_version,
            started_at=started_at,
            finished_at=finished_at,
            result_url=result_url,
            error=error,
        )

        job.additional_properties = d
        return job

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
