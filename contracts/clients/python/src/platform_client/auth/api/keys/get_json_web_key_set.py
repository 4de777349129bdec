from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.json_web_key_set import JsonWebKeySet
from ...models.problem import Problem
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/auth/.well-known/jwks.json",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> JsonWebKeySet | Problem:
    if response.status_code == 200:
        response_200 = JsonWebKeySet.from_dict(response.json())

        return response_200

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[JsonWebKeySet | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[JsonWebKeySet | Problem]:
    """Public keys that verify the platform's access tokens

     RFC 7517 JSON Web Key Set. Tokens are signed with RS256; a token's `kid` header names
    the key that verifies it. `kid` is the key's RFC 7638 thumbprint. The key pair is
    generated on first start and kept in the database, so it survives restarts.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[JsonWebKeySet | Problem]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> JsonWebKeySet | Problem | None:
    """Public keys that verify the platform's access tokens

     RFC 7517 JSON Web Key Set. Tokens are signed with RS256; a token's `kid` header names
    the key that verifies it. `kid` is the key's RFC 7638 thumbprint. The key pair is
    generated on first start and kept in the database, so it survives restarts.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        JsonWebKeySet | Problem
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[JsonWebKeySet | Problem]:
    """Public keys that verify the platform's access tokens

     RFC 7517 JSON Web Key Set. Tokens are signed with RS256; a token's `kid` header names
    the key that verifies it. `kid` is the key's RFC 7638 thumbprint. The key pair is
    generated on first start and kept in the database, so it survives restarts.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[JsonWebKeySet | Problem]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> JsonWebKeySet | Problem | None:
    """Public keys that verify the platform's access tokens

     RFC 7517 JSON Web Key Set. Tokens are signed with RS256; a token's `kid` header names
    the key that verifies it. `kid` is the key's RFC 7638 thumbprint. The key pair is
    generated on first start and kept in the database, so it survives restarts.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        JsonWebKeySet | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
