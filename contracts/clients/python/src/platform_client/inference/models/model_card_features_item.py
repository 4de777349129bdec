from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.model_card_features_item_type import ModelCardFeaturesItemType
from ..types import UNSET, Unset

T = TypeVar("T", bound="ModelCardFeaturesItem")


@_attrs_define
class ModelCardFeaturesItem:
    """
    Attributes:
        name (str):
        type_ (ModelCardFeaturesItemType):
        description (str):
        categories (list[str] | Unset): Known values of a categorical feature
    """

    name: str
    type_: ModelCardFeaturesItemType
    description: str
    categories: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        type_ = self.type_.value

        description = self.description

        categories: list[str] | Unset = UNSET
        if not isinstance(self.categories, Unset):
            categories = self.categories

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "type": type_,
                "description": description,
            }
        )
        if categories is not UNSET:
            field_dict["categories"] = categories

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        type_ = ModelCardFeaturesItemType(d.pop("type"))

        description = d.pop("description")

        categories = cast(list[str], d.pop("categories", UNSET))

        model_card_features_item = cls(
            name=name,
            type_=type_,
            description=description,
            categories=categories,
        )

        model_card_features_item.additional_properties = d
        return model_card_features_item

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
