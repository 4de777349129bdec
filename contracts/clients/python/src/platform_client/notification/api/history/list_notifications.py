import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.notification_page import NotificationPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    page: int | Unset = 0,
    size: int | Unset = 20,
    type_: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["page"] = page

    params["size"] = size

    params["type"] = type_

    json_since: str | Unset = UNSET
    if not isinstance(since, Unset):
        json_since = since.isoformat()
    params["since"] = json_since

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/notifications",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> NotificationPage | Problem:
    if response.status_code == 200:
        response_200 = NotificationPage.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[NotificationPage | Problem]:
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
    type_: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
) -> Response[NotificationPage | Problem]:
    """The signed-in user's own notification history, newest first

     The topics the user may read merged into one timeline: `user:<own id>`, `broadcast`, and for
    admins `admin`. Each topic keeps its newest NOTIFICATION_HISTORY_CAP (default 500) notifications.

    Args:
        page (int | Unset):  Default: 0.
        size (int | Unset):  Default: 20.
        type_ (str | Unset):
        since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[NotificationPage | Problem]
    """

    kwargs = _get_kwargs(
        page=page,
        size=size,
        type_=type_,
        since=since,
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
    type_: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
) -> NotificationPage | Problem | None:
    """The signed-in user's own notification history, newest first

     The topics the user may read merged into one timeline: `user:<own id>`, `broadcast`, and for
    admins `admin`. Each topic keeps its newest NOTIFICATION_HISTORY_CAP (default 500) notifications.

    Args:
        page (int | Unset):  Default: 0.
        size (int | Unset):  Default: 20.
        type_ (str | Unset):
        since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        NotificationPage | Problem
    """

    return sync_detailed(
        client=client,
        page=page,
        size=size,
        type_=type_,
        since=since,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 0,
    size: int | Unset = 20,
    type_: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
) -> Response[NotificationPage | Problem]:
    """The signed-in user's own notification history, newest first

     The topics the user may read merged into one timeline: `user:<own id>`, `broadcast`, and for
    admins `admin`. Each topic keeps its newest NOTIFICATION_HISTORY_CAP (default 500) notifications.

    Args:
        page (int | Unset):  Default: 0.
        size (int | Unset):  Default: 20.
        type_ (str | Unset):
        since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[NotificationPage | Problem]
    """

    kwargs = _get_kwargs(
        page=page,
        size=size,
        type_=type_,
        since=since,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 0,
    size: int | Unset = 20,
    type_: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
) -> NotificationPage | Problem | None:
    """The signed-in user's own notification history, newest first

     The topics the user may read merged into one timeline: `user:<own id>`, `broadcast`, and for
    admins `admin`. Each topic keeps its newest NOTIFICATION_HISTORY_CAP (default 500) notifications.

    Args:
        page (int | Unset):  Default: 0.
        size (int | Unset):  Default: 20.
        type_ (str | Unset):
        since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        NotificationPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            page=page,
            size=size,
            type_=type_,
            since=since,
        )
    ).parsed
