from __future__ import annotations

from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.prometheus_query_data import PrometheusQueryData


T = TypeVar("T", bound="PrometheusQueryResponse")


@_attrs_define
class PrometheusQueryResponse:
    """Prometheus' answer to a query that succeeded (its HTTP API's envelope, unchanged)

    Attributes:
        status (Literal['success']): Always `success` here (an error answer is a problem)
        data (PrometheusQueryData): The result and its type (Prometheus' names)
        warnings (list[str] | Unset): What Prometheus warns about (a partial answer, say)
        infos (list[str] | Unset): Prometheus' notes on the query (Prometheus 3)
    """

    status: Literal["success"]
    data: PrometheusQueryData
    warnings: list[str] | Unset = UNSET
    infos: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        data = self.data.to_dict()

        warnings: list[str] | Unset = UNSET
        if not isinstance(self.warnings, Unset):
            warnings = self.warnings

        infos: list[str] | Unset = UNSET
        if not isinstance(self.infos, Unset):
            infos = self.infos

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "data": data,
            }
        )
        if warnings is not UNSET:
            field_dict["warnings"] = warnings
        if infos is not UNSET:
            field_dict["infos"] = infos

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.prometheus_query_data import PrometheusQueryData

        d = dict(src_dict)
        status = cast(Literal["success"], d.pop("status"))
        if status != "success":
            raise ValueError(f"status must match const 'success', got '{status}'")

        data = PrometheusQueryData.from_dict(d.pop("data"))

        warnings = cast(list[str], d.pop("warnings", UNSET))

        infos = cast(list[str], d.pop("infos", UNSET))

        prometheus_query_response = cls(
            status=status,
            data=data,
            warnings=warnings,
            infos=infos,
        )

        prometheus_query_response.additional_properties = d
        return prometheus_query_response

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
