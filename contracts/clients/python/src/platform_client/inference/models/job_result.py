from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.job_result_predictions_item import JobResultPredictionsItem


T = TypeVar("T", bound="JobResult")


@_attrs_define
class JobResult:
    """
    Attributes:
        job_id (str):
        model_version (str): Semantic version of a trained model: artifact format . dataset generator . a number from
            the artifact's sha256
        predictions (list[JobResultPredictionsItem]):
    """

    job_id: str
    model_version: str
    predictions: list[JobResultPredictionsItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        job_id = self.job_id

        model_version = self.model_version

        predictions = []
        for predictions_item_data in self.predictions:
            predictions_item = predictions_item_data.to_dict()
            predictions.append(predictions_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "job_id": job_id,
                "model_version": model_version,
                "predictions": predictions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.job_result_predictions_item import JobResultPredictionsItem

        d = dict(src_dict)
        job_id = d.pop("job_id")

        model_version = d.pop("model_version")

        predictions = []
        _predictions = d.pop("predictions")
        for predictions_item_data in _predictions:
            predictions_item = JobResultPredictionsItem.from_dict(predictions_item_data)

            predictions.append(predictions_item)

        job_result = cls(
            job_id=job_id,
            model_version=model_version,
            predictions=predictions,
        )

        job_result.additional_properties = d
        return job_result

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
