from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="EtaPrediction")


@_attrs_define
class EtaPrediction:
    """
    Attributes:
        transit_hours (float): Predicted hours from pickup to delivery
        eta (datetime.datetime): pickup_at + transit_hours, RFC 3339 UTC
        delay_probability (float): Probability of arriving after the service standard of the mode for the distance
        model_version (str): Semantic version of a trained model: artifact format . dataset generator . a number from
            the artifact's sha256
    """

    transit_hours: float
    eta: datetime.datetime
    delay_probability: float
    model_version: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        transit_hours = self.transit_hours

        eta = self.eta.isoformat()

        delay_probability = self.delay_probability

        model_version = self.model_version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "transit_hours": transit_hours,
                "eta": eta,
                "delay_probability": delay_probability,
                "model_version": model_version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        transit_hours = d.pop("transit_hours")

        eta = datetime.datetime.fromisoformat(d.pop("eta"))

        delay_probability = d.pop("delay_probability")

        model_version = d.pop("model_version")

        eta_prediction = cls(
            transit_hours=transit_hours,
            eta=eta,
            delay_probability=delay_probability,
            model_version=model_version,
        )

        eta_prediction.additional_properties = d
        return eta_prediction

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
