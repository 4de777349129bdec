from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.prometheus_series_metric import PrometheusSeriesMetric


T = TypeVar("T", bound="PrometheusSeries")


@_attrs_define
class PrometheusSeries:
    """One series of the result, with one sample (vector) or several (matrix)

    Attributes:
        metric (PrometheusSeriesMetric): The series' labels (`__name__` is the metric's name, when the expression keeps
            it)
        value (list[Any | float | str] | Unset): [Unix time in seconds, value as text] (the text keeps NaN and ±Inf)
        values (list[list[Any | float | str]] | Unset):
    """

    metric: PrometheusSeriesMetric
    value: list[Any | float | str] | Unset = UNSET
    values: list[list[Any | float | str]] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        metric = self.metric.to_dict()

        value: list[Any | float | str] | Unset = UNSET
        if not isinstance(self.value, Unset):
            value = []
            for componentsschemas_prometheus_sample_item_data in self.value:
                componentsschemas_prometheus_sample_item: Any | float | str
                componentsschemas_prometheus_sample_item = (
                    componentsschemas_prometheus_sample_item_data
                )
                value.append(componentsschemas_prometheus_sample_item)

        values: list[list[Any | float | str]] | Unset = UNSET
        if not isinstance(self.values, Unset):
            values = []
            for values_item_data in self.values:
                values_item = []
                for componentsschemas_prometheus_sample_item_data in values_item_data:
                    componentsschemas_prometheus_sample_item: Any | float | str
                    componentsschemas_prometheus_sample_item = (
                        componentsschemas_prometheus_sample_item_data
                    )
                    values_item.append(componentsschemas_prometheus_sample_item)

                values.append(values_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "metric": metric,
            }
        )
        if value is not UNSET:
            field_dict["value"] = value
        if values is not UNSET:
            field_dict["values"] = values

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.prometheus_series_metric import PrometheusSeriesMetric

        d = dict(src_dict)
        metric = PrometheusSeriesMetric.from_dict(d.pop("metric"))

        _value = d.pop("value", UNSET)
        value: list[Any | float | str] | Unset = UNSET
        if _value is not UNSET:
            value = []
            for componentsschemas_prometheus_sample_item_data in _value:

                def _parse_componentsschemas_prometheus_sample_item(
                    data: object,
                ) -> Any | float | str:
                    return cast(Any | float | str, data)

                componentsschemas_prometheus_sample_item = (
                    _parse_componentsschemas_prometheus_sample_item(
                        componentsschemas_prometheus_sample_item_data
                    )
                )

                value.append(componentsschemas_prometheus_sample_item)

        _values = d.pop("values", UNSET)
        values: list[list[Any | float | str]] | Unset = UNSET
        if _values is not UNSET:
            values = []
            for values_item_data in _values:
                values_item = []
                _values_item = values_item_data
                for componentsschemas_prometheus_sample_item_data in _values_item:

                    def _parse_componentsschemas_prometheus_sample_item(
                        data: object,
                    ) -> Any | float | str:
                        return cast(Any | float | str, data)

                    componentsschemas_prometheus_sample_item = (
                        _parse_componentsschemas_prometheus_sample_item(
                            componentsschemas_prometheus_sample_item_data
                        )
                    )

                    values_item.append(componentsschemas_prometheus_sample_item)

                values.append(values_item)

        prometheus_series = cls(
            metric=metric,
            value=value,
            values=values,
        )

        prometheus_series.additional_properties = d
        return prometheus_series

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
