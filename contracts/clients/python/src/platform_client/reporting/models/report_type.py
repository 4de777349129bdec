from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.report_format import ReportFormat
from ..models.report_type_id import ReportTypeId
from ..models.report_type_scope import ReportTypeScope

if TYPE_CHECKING:
    from ..models.report_parameter import ReportParameter


T = TypeVar("T", bound="ReportType")


@_attrs_define
class ReportType:
    """
    Attributes:
        id (ReportTypeId): `inference-usage`: own data (an admin's: everyone's); `user-signups`, `platform-activity`:
            platform-wide (admin)
        title (str):
        description (str):
        scope (ReportTypeScope): `own`: the caller's data (an admin's: everyone's); `platform`: everyone's, admins only
        formats (list[ReportFormat]):
        parameters (list[ReportParameter]):
    """

    id: ReportTypeId
    title: str
    description: str
    scope: ReportTypeScope
    formats: list[ReportFormat]
    parameters: list[ReportParameter]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id.value

        title = self.title

        description = self.description

        scope = self.scope.value

        formats = []
        for formats_item_data in self.formats:
            formats_item = formats_item_data.value
            formats.append(formats_item)

        parameters = []
        for parameters_item_data in self.parameters:
            parameters_item = parameters_item_data.to_dict()
            parameters.append(parameters_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "title": title,
                "description": description,
                "scope": scope,
                "formats": formats,
                "parameters": parameters,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.report_parameter import ReportParameter

        d = dict(src_dict)
        id = ReportTypeId(d.pop("id"))

        title = d.pop("title")

        description = d.pop("description")

        scope = ReportTypeScope(d.pop("scope"))

        formats = []
        _formats = d.pop("formats")
        for formats_item_data in _formats:
            formats_item = ReportFormat(formats_item_data)

            formats.append(formats_item)

        parameters = []
        _parameters = d.pop("parameters")
        for parameters_item_data in _parameters:
            parameters_item = ReportParameter.from_dict(parameters_item_data)

            parameters.append(parameters_item)

        report_type = cls(
            id=id,
            title=title,
            description=description,
            scope=scope,
            formats=formats,
            parameters=parameters,
        )

        report_type.additional_properties = d
        return report_type

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
