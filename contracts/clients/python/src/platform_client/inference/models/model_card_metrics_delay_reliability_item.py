from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ModelCardMetricsDelayReliabilityItem")


@_attrs_define
class ModelCardMetricsDelayReliabilityItem:
    """
    Attributes:
        lower (float):
        upper (float):
        count (int):
        mean_predicted (float | None): null when no prediction fell in the bin
        observed_rate (float | None):
    """

    lower: float
    upper: float
    count: int
    mean_predicted: float | None
    observed_rate: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        lower = self.lower

        upper = self.upper

        count = self.count

        mean_predicted: float | None
        mean_predicted = self.mean_predicted

        observed_rate: float | None
        observed_rate = self.observed_rate

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "lower": lower,
                "upper": upper,
                "count": count,
                "mean_predicted": mean_predicted,
                "observed_rate": observed_rate,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        lower = d.pop("lower")

        upper = d.pop("upper")

        count = d.pop("count")

        def _parse_mean_predicted(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        mean_predicted = _parse_mean_predicted(d.pop("mean_predicted"))

        def _parse_observed_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        observed_rate = _parse_observed_rate(d.pop("observed_rate"))

        model_card_metrics_delay_reliability_item = cls(
            lower=lower,
            upper=upper,
            count=count,
            mean_predicted=mean_predicted,
            observed_rate=observed_rate,
        )

        model_card_metrics_delay_reliability_item.additional_properties = d
        return model_card_metrics_delay_reliability_item

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
