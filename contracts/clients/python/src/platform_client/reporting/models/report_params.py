from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.granularity import Granularity
from ..models.group_by import GroupBy
from ..types import UNSET, Unset

T = TypeVar("T", bound="ReportParams")


@_attrs_define
class ReportParams:
    """What a report covers. `granularity` and `group_by` default to the type's and take only the values
    its catalogue entry lists (user-signups day|week and none|role; inference-usage day|week and
    none|lane; platform-activity hour|day and event_type|none).

        Attributes:
            from_ (datetime.date): First day covered (UTC, inclusive)
            to (datetime.date): Last day covered (UTC, inclusive); not before `from`; at most 31 days by hour, 366 otherwise
            granularity (Granularity | Unset): Time bucket of the rows: UTC hour, UTC day, or ISO week (from Monday)
            group_by (GroupBy | Unset): Extra grouping of the rows (`none`, per `role`, per `lane` origin to destination,
                per `event_type`)
    """

    from_: datetime.date
    to: datetime.date
    granularity: Granularity | Unset = UNSET
    group_by: GroupBy | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from_ = self.from_.isoformat()

        to = self.to.isoformat()

        granularity: str | Unset = UNSET
        if not isinstance(self.granularity, Unset):
            granularity = self.granularity.value

        group_by: str | Unset = UNSET
        if not isinstance(self.group_by, Unset):
            group_by = self.group_by.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "from": from_,
                "to": to,
            }
        )
        if granularity is not UNSET:
            field_dict["granularity"] = granularity
        if group_by is not UNSET:
            field_dict["group_by"] = group_by

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        from_ = datetime.date.fromisoformat(d.pop("from"))

        to = datetime.date.fromisoformat(d.pop("to"))

        _granularity = d.pop("granularity", UNSET)
        granularity: Granularity | Unset
        if isinstance(_granularity, Unset):
            granularity = UNSET
        else:
            granularity = Granularity(_granularity)

        _group_by = d.pop("group_by", UNSET)
        group_by: GroupBy | Unset
        if isinstance(_group_by, Unset):
            group_by = UNSET
        else:
            group_by = GroupBy(_group_by)

        report_params = cls(
            from_=from_,
            to=to,
            granularity=granularity,
            group_by=group_by,
        )

        return report_params
