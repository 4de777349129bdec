from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.report_parameter_name import ReportParameterName
from ..models.report_parameter_type import ReportParameterType
from ..types import UNSET, Unset

T = TypeVar("T", bound="ReportParameter")


@_attrs_define
class ReportParameter:
    """One parameter a report type takes

    Attributes:
        name (ReportParameterName):
        type_ (ReportParameterType):
        required (bool):
        description (str):
        values (list[str] | Unset): The values it takes, when they are a fixed set
        default_value (str | Unset): The value used when it is left out
    """

    name: ReportParameterName
    type_: ReportParameterType
    required: bool
    description: str
    values: list[str] | Unset = UNSET
    default_value: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name.value

        type_ = self.type_.value

        required = self.required

        description = self.description

        values: list[str] | Unset = UNSET
        if not isinstance(self.values, Unset):
            values = self.values

        default_value = self.default_value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "type": type_,
                "required": required,
                "description": description,
            }
        )
        if values is not UNSET:
            field_dict["values"] = values
        if default_value is not UNSET:
            field_dict["default_value"] = default_value

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = ReportParameterName(d.pop("name"))

        type_ = ReportParameterType(d.pop("type"))

        required = d.pop("required")

        description = d.pop("description")

        values = cast(list[str], d.pop("values", UNSET))

        default_value = d.pop("default_value", UNSET)

        report_parameter = cls(
            name=name,
            type_=type_,
            required=required,
            description=description,
            values=values,
            default_value=default_value,
        )

        report_parameter.additional_properties = d
        return report_parameter

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
