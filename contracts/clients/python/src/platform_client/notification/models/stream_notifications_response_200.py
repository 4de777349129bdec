from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="StreamNotificationsResponse200")


@_attrs_define
class StreamNotificationsResponse200:
    """One server-sent event, by the fields the SSE format names (OpenAPI 3.1: `schema` of an event
    stream describes each event). Comment lines (`: keep-alive`) are no events.

        Attributes:
            id (UUID): The event id (the CloudEvent id); send it back as Last-Event-ID to resume
            event (str): The CloudEvent type
            data (str): The Notification, as one line of JSON
    """

    id: UUID
    event: str
    data: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        event = self.event

        data = self.data

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "event": event,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        event = d.pop("event")

        data = d.pop("data")

        stream_notifications_response_200 = cls(
            id=id,
            event=event,
            data=data,
        )

        stream_notifications_response_200.additional_properties = d
        return stream_notifications_response_200

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
