from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="WebSocketTicket")


@_attrs_define
class WebSocketTicket:
    """
    Attributes:
        ticket (str): Opaque, single-use
        expires_at (datetime.datetime): The handshake must happen before this time
        ws_url (str): Path to open through the gateway, ticket included
    """

    ticket: str
    expires_at: datetime.datetime
    ws_url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ticket = self.ticket

        expires_at = self.expires_at.isoformat()

        ws_url = self.ws_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ticket": ticket,
                "expires_at": expires_at,
                "ws_url": ws_url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        ticket = d.pop("ticket")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        ws_url = d.pop("ws_url")

        web_socket_ticket = cls(
            ticket=ticket,
            expires_at=expires_at,
            ws_url=ws_url,
        )

        web_socket_ticket.additional_properties = d
        return web_socket_ticket

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
