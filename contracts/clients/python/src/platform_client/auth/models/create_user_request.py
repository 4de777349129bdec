from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.role import Role
from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateUserRequest")


@_attrs_define
class CreateUserRequest:
    """
    Attributes:
        email (str): Sign-in name; unique, compared case-insensitively
        name (str): Display name, kept as written (no control characters)
        password (str): At least 12 characters; stored only as an Argon2id hash
        role (Role | Unset): `admin` manages users and sees platform-wide data; `user` submits work; `viewer` only
            reads. Default: Role.USER.
    """

    email: str
    name: str
    password: str
    role: Role | Unset = Role.USER

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        name = self.name

        password = self.password

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "email": email,
                "name": name,
                "password": password,
            }
        )
        if role is not UNSET:
            field_dict["role"] = role

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        email = d.pop("email")

        name = d.pop("name")

        password = d.pop("password")

        _role = d.pop("role", UNSET)
        role: Role | Unset
        if isinstance(_role, Unset):
            role = UNSET
        else:
            role = Role(_role)

        create_user_request = cls(
            email=email,
            name=name,
            password=password,
            role=role,
        )

        return create_user_request
