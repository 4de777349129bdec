from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.report_type_id import ReportTypeId

if TYPE_CHECKING:
    from ..models.report_params import ReportParams


T = TypeVar("T", bound="CreateReportRequest")


@_attrs_define
class CreateReportRequest:
    """
    Attributes:
        type_ (ReportTypeId): `inference-usage`: own data (an admin's: everyone's); `user-signups`, `platform-activity`:
            platform-wide (admin)
        params (ReportParams): What a report covers. `granularity` and `group_by` default to the type's and take only
            the values
            its catalogue entry lists (user-signups day|week and none|role; inference-usage day|week and
            none|lane; platform-activity hour|day and event_type|none).
    """

    type_: ReportTypeId
    params: ReportParams

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        params = self.params.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "params": params,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.report_params import ReportParams

        d = dict(src_dict)
        type_ = ReportTypeId(d.pop("type"))

        params = ReportParams.from_dict(d.pop("params"))

        create_report_request = cls(
            type_=type_,
            params=params,
        )

        return create_report_request
