from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ModelCardData")


@_attrs_define
class ModelCardData:
    """The seeded synthetic dataset the model was trained and evaluated on

    Attributes:
        generator (str):
        generator_version (int):
        seed (int):
        rows (int):
        training_rows (int):
        validation_rows (int):
    """

    generator: str
    generator_version: int
    seed: int
    rows: int
    training_rows: int
    validation_rows: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        generator = self.generator

        generator_version = self.generator_version

        seed = self.seed

        rows = self.rows

        training_rows = self.training_rows

        validation_rows = self.validation_rows

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "generator": generator,
                "generator_version": generator_version,
                "seed": seed,
                "rows": rows,
                "training_rows": training_rows,
                "validation_rows": validation_rows,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        generator = d.pop("generator")

        generator_version = d.pop("generator_version")

        seed = d.pop("seed")

        rows = d.pop("rows")

        training_rows = d.pop("training_rows")

        validation_rows = d.pop("validation_rows")

        model_card_data = cls(
            generator=generator,
            generator_version=generator_version,
            seed=seed,
            rows=rows,
            training_rows=training_rows,
            validation_rows=validation_rows,
        )

        model_card_data.additional_properties = d
        return model_card_data

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
