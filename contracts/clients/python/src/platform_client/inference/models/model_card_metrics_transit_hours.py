from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ModelCardMetricsTransitHours")


@_attrs_define
class ModelCardMetricsTransitHours:
    """
    Attributes:
        mae_hours (float):
        rmse_hours (float):
        r2 (float):
        median_actual_hours (float):
        baseline_mae_hours (float): MAE of predicting the training median for every shipment
    """

    mae_hours: float
    rmse_hours: float
    r2: float
    median_actual_hours: float
    baseline_mae_hours: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        mae_hours = self.mae_hours

        rmse_hours = self.rmse_hours

        r2 = self.r2

        median_actual_hours = self.median_actual_hours

        baseline_mae_hours = self.baseline_mae_hours

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "mae_hours": mae_hours,
                "rmse_hours": rmse_hours,
                "r2": r2,
                "median_actual_hours": median_actual_hours,
                "baseline_mae_hours": baseline_mae_hours,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        mae_hours = d.pop("mae_hours")

        rmse_hours = d.pop("rmse_hours")

        r2 = d.pop("r2")

        median_actual_hours = d.pop("median_actual_hours")

        baseline_mae_hours = d.pop("baseline_mae_hours")

        model_card_metrics_transit_hours = cls(
            mae_hours=mae_hours,
            rmse_hours=rmse_hours,
            r2=r2,
            median_actual_hours=median_actual_hours,
            baseline_mae_hours=baseline_mae_hours,
        )

        model_card_metrics_transit_hours.additional_properties = d
        return model_card_metrics_transit_hours

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
