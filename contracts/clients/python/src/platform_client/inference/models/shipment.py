from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.shipment_mode import ShipmentMode
from ..models.us_state_code import UsStateCode

T = TypeVar("T", bound="Shipment")


@_attrs_define
class Shipment:
    """One US freight shipment to predict.

    Attributes:
        origin (UsStateCode): Two-letter US state code, upper case: the 50 states, DC and the inhabited territories (AS,
            GU, MP, PR,
            VI). A code the model has seen no lane of is still a valid shipment: it is predicted from distance,
            mode and time alone. inference.usage repeats this list for its lanes.
        destination (UsStateCode): Two-letter US state code, upper case: the 50 states, DC and the inhabited territories
            (AS, GU, MP, PR,
            VI). A code the model has seen no lane of is still a valid shipment: it is predicted from distance,
            mode and time alone. inference.usage repeats this list for its lanes.
        distance_km (float): Road distance, km.
        weight_kg (float): Gross weight, kg.
        mode (ShipmentMode): Full truckload, less than truckload or intermodal (rail + truck).
        carrier (str): Carrier id; one the model does not know is predicted as "other".
        pickup_at (datetime.datetime): Pickup time, RFC 3339 with an offset, in the years 2000 to 2099 (the model's
            calendar features, and an ETA that stays a date-time); the local weekday and hour matter.
    """

    origin: UsStateCode
    destination: UsStateCode
    distance_km: float
    weight_kg: float
    mode: ShipmentMode
    carrier: str
    pickup_at: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        origin = self.origin.value

        destination = self.destination.value

        distance_km = self.distance_km

        weight_kg = self.weight_kg

        mode = self.mode.value

        carrier = self.carrier

        pickup_at = self.pickup_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "origin": origin,
                "destination": destination,
                "distance_km": distance_km,
                "weight_kg": weight_kg,
                "mode": mode,
                "carrier": carrier,
                "pickup_at": pickup_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        origin = UsStateCode(d.pop("origin"))

        destination = UsStateCode(d.pop("destination"))

        distance_km = d.pop("distance_km")

        weight_kg = d.pop("weight_kg")

        mode = ShipmentMode(d.pop("mode"))

        carrier = d.pop("carrier")

        pickup_at = datetime.datetime.fromisoformat(d.pop("pickup_at"))

        shipment = cls(
            origin=origin,
            destination=destination,
            distance_km=distance_km,
            weight_kg=weight_kg,
            mode=mode,
            carrier=carrier,
            pickup_at=pickup_at,
        )

        return shipment
