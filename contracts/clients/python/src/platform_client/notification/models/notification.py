from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.notification_data import NotificationData


T = TypeVar("T", bound="Notification")


@_attrs_define
class Notification:
    """One event delivered to the user: an item of the history, and the `data` of each SSE event of the stream. The
    WebSocket `event` frame (contracts/websocket/schemas/event.schema.json) is a different object with the same content:
    `type` is `event` there and the CloudEvent type is `event_type`.

        Attributes:
            id (UUID): The CloudEvent id
            type_ (str): The CloudEvent type, e.g. report.ready
            source (str):
            topic (str): `user:<id>`, `admin` or `broadcast`
            time (datetime.datetime):
            data (NotificationData): The event payload, valid against `dataschema`
            dataschema (str | Unset): $id of the payload's schema (contracts/events/schemas)
    """

    id: UUID
    type_: str
    source: str
    topic: str
    time: datetime.datetime
    data: NotificationData
    dataschema: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        type_ = self.type_

        source = self.source

        topic = self.topic

        time = self.time.isoformat()

        data = self.data.to_dict()

        dataschema = self.dataschema

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "source": source,
                "topic": topic,
                "time": time,
                "data": data,
            }
        )
        if dataschema is not UNSET:
            field_dict["dataschema"] = dataschema

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.notification_data import NotificationData

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        type_ = d.pop("type")

        source = d.pop("source")

        topic = d.pop("topic")

        time = datetime.datetime.fromisoformat(d.pop("time"))

        data = NotificationData.from_dict(d.pop("data"))

        dataschema = d.pop("dataschema", UNSET)

        notification = cls(
            id=id,
            type_=type_,
            source=source,
            topic=topic,
            time=time,
            data=data,
            dataschema=dataschema,
        )

        notification.additional_properties = d
        return notification

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
