from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.shipment import Shipment


T = TypeVar("T", bound="EtaBatchRequest")


@_attrs_define
class EtaBatchRequest:
    """
    Attributes:
        shipments (list[Shipment]):
    """

    shipments: list[Shipment]

    def to_dict(self) -> dict[str, Any]:
        shipments = []
        for shipments_item_data in self.shipments:
            shipments_item = shipments_item_data.to_dict()
            shipments.append(shipments_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "shipments": shipments,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.shipment import Shipment

        d = dict(src_dict)
        shipments = []
        _shipments = d.pop("shipments")
        for shipments_item_data in _shipments:
            shipments_item = Shipment.from_dict(shipments_item_data)

            shipments.append(shipments_item)

        eta_batch_request = cls(
            shipments=shipments,
        )

        return eta_batch_request
