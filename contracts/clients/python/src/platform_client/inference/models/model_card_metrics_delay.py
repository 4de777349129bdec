from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.model_card_metrics_delay_reliability_item import (
        ModelCardMetricsDelayReliabilityItem,
    )


T = TypeVar("T", bound="ModelCardMetricsDelay")


@_attrs_define
class ModelCardMetricsDelay:
    """
    Attributes:
        roc_auc (float):
        brier_score (float):
        log_loss (float):
        late_rate (float):
        reliability (list[ModelCardMetricsDelayReliabilityItem]): Ten bins of predicted probability, each with the
            observed late rate
    """

    roc_auc: float
    brier_score: float
    log_loss: float
    late_rate: float
    reliability: list[ModelCardMetricsDelayReliabilityItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        roc_auc = self.roc_auc

        brier_score = self.brier_score

        log_loss = self.log_loss

        late_rate = self.late_rate

        reliability = []
        for reliability_item_data in self.reliability:
            reliability_item = reliability_item_data.to_dict()
            reliability.append(reliability_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "roc_auc": roc_auc,
                "brier_score": brier_score,
                "log_loss": log_loss,
                "late_rate": late_rate,
                "reliability": reliability,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.model_card_metrics_delay_reliability_item import (
            ModelCardMetricsDelayReliabilityItem,
        )

        d = dict(src_dict)
        roc_auc = d.pop("roc_auc")

        brier_score = d.pop("brier_score")

        log_loss = d.pop("log_loss")

        late_rate = d.pop("late_rate")

        reliability = []
        _reliability = d.pop("reliability")
        for reliability_item_data in _reliability:
            reliability_item = ModelCardMetricsDelayReliabilityItem.from_dict(
                reliability_item_data
            )

            reliability.append(reliability_item)

        model_card_metrics_delay = cls(
            roc_auc=roc_auc,
            brier_score=brier_score,
            log_loss=log_loss,
            late_rate=late_rate,
            reliability=reliability,
        )

        model_card_metrics_delay.additional_properties = d
        return model_card_metrics_delay

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
