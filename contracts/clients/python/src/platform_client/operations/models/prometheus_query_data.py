from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.prometheus_query_data_result_type import PrometheusQueryDataResultType

if TYPE_CHECKING:
    from ..models.prometheus_series import PrometheusSeries


T = TypeVar("T", bound="PrometheusQueryData")


@_attrs_define
class PrometheusQueryData:
    """The result and its type (Prometheus' names)

    Attributes:
        result_type (PrometheusQueryDataResultType): vector (instant query), matrix (range query), scalar or string
        result (list[Any | float | str] | list[PrometheusSeries]): The series (vector, matrix), or one sample (scalar,
            string)
    """

    result_type: PrometheusQueryDataResultType
    result: list[Any | float | str] | list[PrometheusSeries]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        result_type = self.result_type.value

        result: list[Any | float | str] | list[dict[str, Any]]
        if isinstance(self.result, list):
            result = []
            for result_type_0_item_data in self.result:
                result_type_0_item = result_type_0_item_data.to_dict()
                result.append(result_type_0_item)

        else:
            result = []
            for componentsschemas_prometheus_sample_item_data in self.result:
                componentsschemas_prometheus_sample_item: Any | float | str
                componentsschemas_prometheus_sample_item = (
                    componentsschemas_prometheus_sample_item_data
                )
                result.append(componentsschemas_prometheus_sample_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "resultType": result_type,
                "result": result,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.prometheus_series import PrometheusSeries

        d = dict(src_dict)
        result_type = PrometheusQueryDataResultType(d.pop("resultType"))

        def _parse_result(
            data: object,
        ) -> list[Any | float | str] | list[PrometheusSeries]:
            try:
                if not isinstance(data, list):
                    raise TypeError()
                result_type_0 = []
                _result_type_0 = data
                for result_type_0_item_data in _result_type_0:
                    result_type_0_item = PrometheusSeries.from_dict(
                        result_type_0_item_data
                    )

                    result_type_0.append(result_type_0_item)

                return result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, list):
                raise TypeError()
            result_type_1 = []
            _result_type_1 = data
            for componentsschemas_prometheus_sample_item_data in _result_type_1:

                def _parse_componentsschemas_prometheus_sample_item(
                    data: object,
                ) -> Any | float | str:
                    return cast(Any | float | str, data)

                componentsschemas_prometheus_sample_item = (
                    _parse_componentsschemas_prometheus_sample_item(
                        componentsschemas_prometheus_sample_item_data
                    )
                )

                result_type_1.append(componentsschemas_prometheus_sample_item)

            return result_type_1

        result = _parse_result(d.pop("result"))

        prometheus_query_data = cls(
            result_type=result_type,
            result=result,
        )

        prometheus_query_data.additional_properties = d
        return prometheus_query_data

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
