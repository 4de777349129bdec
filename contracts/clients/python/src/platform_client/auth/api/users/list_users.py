from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.role import Role
from ...models.user_page import UserPage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    page: int | Unset = 0,
    size: int | Unset = 20,
    email: str | Unset = UNSET,
    role: Role | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["page"] = page

    params["size"] = size

    params["email"] = email

    json_role: str | Unset = UNSET
    if not isinstance(role, Unset):
        json_role = role.value

    params["role"] = json_role

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/auth/users",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | UserPage:
    if response.status_code == 200:
        response_200 = UserPage.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | UserPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 0,
    size: int | Unset = 20,
    email: str | Unset = UNSET,
    role: Role | Unset = UNSET,
) -> Response[Problem | UserPage]:
    """Users, a page at a time (admin)

    Args:
        page (int | Unset):  Default: 0.
        size (int | Unset):  Default: 20.
        email (str | Unset):
        role (Role | Unset): `admin` manages users and sees platform-wide data; `user` submits
            work; `viewer` only reads.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UserPage]
    """

    kwargs = _get_kwargs(
        page=page,
        size=size,
        email=email,
        role=role,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 0,
    size: int | Unset = 20,
    email: str | Unset = UNSET,
    role: Role | Unset = UNSET,
) -> Problem | UserPage | None:
    """Users, a page at a time (admin)

    Args:
        page (int | Unset):  Default: 0.
        size (int | Unset):  Default: 20.
        email (str | Unset):
        role (Role | Unset): `admin` manages users and sees platform-wide data; `user` submits
            work; `viewer` only reads.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UserPage
    """

    return sync_detailed(
        client=client,
        page=page,
        size=size,
        email=email,
        role=role,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 0,
    size: int | Unset = 20,
    email: str | Unset = UNSET,
    role: Role | Unset = UNSET,
) -> Response[Problem | UserPage]:
    """Users, a page at a time (admin)

    Args:
        page (int | Unset):  Default: 0.
        size (int | Unset):  Default: 20.
        email (str | Unset):
        role (Role | Unset): `admin` manages users and sees platform-wide data; `user` submits
            work; `viewer` only reads.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UserPage]
    """

    kwargs = _get_kwargs(
        page=page,
        size=size,
        email=email,
        role=role,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 0,
    size: int | Unset = 20,
    email: str | Unset = UNSET,
    role: Role | Unset = UNSET,
) -> Problem | UserPage | None:
    """Users, a page at a time (admin)

    Args:
        page (int | Unset):  Default: 0.
        size (int | Unset):  Default: 20.
        email (str | Unset):
        role (Role | Unset): `admin` manages users and sees platform-wide data; `user` submits
            work; `viewer` only reads.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UserPage
    """

    return (
        await asyncio_detailed(
            client=client,
            page=page,
            size=size,
            email=email,
            role=role,
        )
    ).parsed
