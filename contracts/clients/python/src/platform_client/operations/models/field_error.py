from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="FieldError")


@_attrs_define
class FieldError:
    """
    Attributes:
        pointer (str): JSON Pointer (RFC 6901) into the request: /body followed by a pointer into the JSON body, or
            /query/<name>, /path/<name>, /header/<name>.
        message (str): What is wrong with the value, for a human.
    """

    pointer: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        pointer = self.pointer

        message = self.message

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "pointer": pointer,
                "message": message,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        pointer = d.pop("pointer")

        message = d.pop("message")

        field_error = cls(
            pointer=pointer,
            message=message,
        )

        return field_error
