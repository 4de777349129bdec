from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.severity import Severity
from ..types import UNSET, Unset

T = TypeVar("T", bound="Broadcast")


@_attrs_define
class Broadcast:
    """The accepted broadcast, as published in the notification.broadcast event

    Attributes:
        broadcast_id (UUID):
        message (str):
        severity (Severity):
        sent_by (UUID):
        sent_at (datetime.datetime):
        title (str | Unset):
        expires_at (datetime.datetime | Unset):
    """

    broadcast_id: UUID
    message: str
    severity: Severity
    sent_by: UUID
    sent_at: datetime.datetime
    title: str | Unset = UNSET
    expires_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        broadcast_id = str(self.broadcast_id)

        message = self.message

        severity = self.severity.value

        sent_by = str(self.sent_by)

        sent_at = self.sent_at.isoformat()

        title = self.title

        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "broadcast_id": broadcast_id,
                "message": message,
                "severity": severity,
                "sent_by": sent_by,
                "sent_at": sent_at,
            }
        )
        if title is not UNSET:
            field_dict["title"] = title
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        broadcast_id = UUID(d.pop("broadcast_id"))

        message = d.pop("message")

        severity = Severity(d.pop("severity"))

        sent_by = UUID(d.pop("sent_by"))

        sent_at = datetime.datetime.fromisoformat(d.pop("sent_at"))

        title = d.pop("title", UNSET)

        _expires_at = d.pop("expires_at", UNSET)
        expires_at: datetime.datetime | Unset
        if isinstance(_expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = datetime.datetime.fromisoformat(_expires_at)

        broadcast = cls(
            broadcast_id=broadcast_id,
            message=message,
            severity=severity,
            sent_by=sent_by,
            sent_at=sent_at,
            title=title,
            expires_at=expires_at,
        )

        broadcast.additional_properties = d
        return broadcast

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
