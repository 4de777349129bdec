from __future__ import annotations

from collections.abc import Mapping
from typing import (
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="RsaPublicJsonWebKey")


@_attrs_define
class RsaPublicJsonWebKey:
    """RFC 7517/7518 RSA public key. Never contains private members.

    Attributes:
        kty (Literal['RSA']):
        kid (str): RFC 7638 JWK thumbprint (SHA-256, base64url)
        n (str): Modulus, base64url without padding
        e (str): Public exponent, base64url without padding
        use (Literal['sig'] | Unset):
        alg (Literal['RS256'] | Unset):
    """

    kty: Literal["RSA"]
    kid: str
    n: str
    e: str
    use: Literal["sig"] | Unset = UNSET
    alg: Literal["RS256"] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kty = self.kty

        kid = self.kid

        n = self.n

        e = self.e

        use = self.use

        alg = self.alg

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kty": kty,
                "kid": kid,
                "n": n,
                "e": e,
            }
        )
        if use is not UNSET:
            field_dict["use"] = use
        if alg is not UNSET:
            field_dict["alg"] = alg

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        kty = cast(Literal["RSA"], d.pop("kty"))
        if kty != "RSA":
            raise ValueError(f"kty must match const 'RSA', got '{kty}'")

        kid = d.pop("kid")

        n = d.pop("n")

        e = d.pop("e")

        use = cast(Literal["sig"] | Unset, d.pop("use", UNSET))
        if use != "sig" and not isinstance(use, Unset):
            raise ValueError(f"use must match const 'sig', got '{use}'")

        alg = cast(Literal["RS256"] | Unset, d.pop("alg", UNSET))
        if alg != "RS256" and not isinstance(alg, Unset):
            raise ValueError(f"alg must match const 'RS256', got '{alg}'")

        rsa_public_json_web_key = cls(
            kty=kty,
            kid=kid,
            n=n,
            e=e,
            use=use,
            alg=alg,
        )

        rsa_public_json_web_key.additional_properties = d
        return rsa_public_json_web_key

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
