from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="JobResultPredictionsItem")


@_attrs_define
class JobResultPredictionsItem:
    """
    Attributes:
        row (int): Position of the shipment in the submitted rows
        transit_hours (float):
        eta (datetime.datetime):
        delay_probability (float):
    """

    row: int
    transit_hours: float
    eta: datetime.datetime
    delay_probability: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        row = self.row

        transit_hours = self.transit_hours

        eta = self.eta.isoformat()

        delay_probability = self.delay_probability

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "row": row,
                "transit_hours": transit_hours,
                "eta": eta,
                "delay_probability": delay_probability,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        row = d.pop("row")

        transit_hours = d.pop("transit_hours")

        eta = datetime.datetime.fromisoformat(d.pop("eta"))

        delay_probability = d.pop("delay_probability")

        job_result_predictions_item = cls(
            row=row,
            transit_hours=transit_hours,
            eta=eta,
            delay_probability=delay_probability,
        )

        job_result_predictions_item.additional_properties = d
        return job_result_predictions_item

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
