from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.model_card_data import ModelCardData
    from ..models.model_card_features_item import ModelCardFeaturesItem
    from ..models.model_card_metrics import ModelCardMetrics
    from ..models.model_card_targets import ModelCardTargets


T = TypeVar("T", bound="ModelCard")


@_attrs_define
class ModelCard:
    """
    Attributes:
        name (str):
        version (str): Semantic version of a trained model: artifact format . dataset generator . a number from the
            artifact's sha256
        artifact_sha256 (str): sha256 of the artifact file, checked when the model is loaded
        algorithm (str):
        targets (ModelCardTargets): What each output means
        trained_at (datetime.datetime):
        training_seconds (float):
        data (ModelCardData): The seeded synthetic dataset the model was trained and evaluated on
        features (list[ModelCardFeaturesItem]):
        metrics (ModelCardMetrics): On the held-out split
    """

    name: str
    version: str
    artifact_sha256: str
    algorithm: str
    targets: ModelCardTargets
    trained_at: datetime.datetime
    training_seconds: float
    data: ModelCardData
    features: list[ModelCardFeaturesItem]
    metrics: ModelCardMetrics
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        version = self.version

        artifact_sha256 = self.artifact_sha256

        algorithm = self.algorithm

        targets = self.targets.to_dict()

        trained_at = self.trained_at.isoformat()

        training_seconds = self.training_seconds

        data = self.data.to_dict()

        features = []
        for features_item_data in self.features:
            features_item = features_item_data.to_dict()
            features.append(features_item)

        metrics = self.metrics.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "version": version,
                "artifact_sha256": artifact_sha256,
                "algorithm": algorithm,
                "targets": targets,
                "trained_at": trained_at,
                "training_seconds": training_seconds,
                "data": data,
                "features": features,
                "metrics": metrics,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.model_card_data import ModelCardData
        from ..models.model_card_features_item import ModelCardFeaturesItem
        from ..models.model_card_metrics import ModelCardMetrics
        from ..models.model_card_targets import ModelCardTargets

        d = dict(src_dict)
        name = d.pop("name")

        version = d.pop("version")

        artifact_sha256 = d.pop("artifact_sha256")

        algorithm = d.pop("algorithm")

        targets = ModelCardTargets.from_dict(d.pop("targets"))

        trained_at = datetime.datetime.fromisoformat(d.pop("trained_at"))

        training_seconds = d.pop("training_seconds")

        data = ModelCardData.from_dict(d.pop("data"))

        features = []
        _features = d.pop("features")
        for features_item_data in _features:
            features_item = ModelCardFeaturesItem.from_dict(features_item_data)

            features.append(features_item)

        metrics = ModelCardMetrics.from_dict(d.pop("metrics"))

        model_card = cls(
            name=name,
            version=version,
            artifact_sha256=artifact_sha256,
            algorithm=algorithm,
            targets=targets,
            trained_at=trained_at,
            training_seconds=training_seconds,
            data=data,
            features=features,
            metrics=metrics,
        )

        model_card.additional_properties = d
        return model_card

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
