from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.model_card_metrics_delay import ModelCardMetricsDelay
    from ..models.model_card_metrics_transit_hours import ModelCardMetricsTransitHours


T = TypeVar("T", bound="ModelCardMetrics")


@_attrs_define
class ModelCardMetrics:
    """On the held-out split

    Attributes:
        transit_hours (ModelCardMetricsTransitHours):
        delay (ModelCardMetricsDelay):
    """

    transit_hours: ModelCardMetricsTransitHours
    delay: ModelCardMetricsDelay
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        transit_hours = self.transit_hours.to_dict()

        delay = self.delay.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "transit_hours": transit_hours,
                "delay": delay,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.model_card_metrics_delay import ModelCardMetricsDelay
        from ..models.model_card_metrics_transit_hours import (
            ModelCardMetricsTransitHours,
        )

        d = dict(src_dict)
        transit_hours = ModelCardMetricsTransitHours.from_dict(d.pop("transit_hours"))

        delay = ModelCardMetricsDelay.from_dict(d.pop("delay"))

        model_card_metrics = cls(
            transit_hours=transit_hours,
            delay=delay,
        )

        model_card_metrics.additional_properties = d
        return model_card_metrics

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
