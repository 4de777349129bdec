from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.report_page import ReportPage
from ...models.report_status import ReportStatus
from ...models.report_type_id import ReportTypeId
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    page: int | Unset = 0,
    size: int | Unset = 20,
    status: ReportStatus | Unset = UNSET,
    type_: ReportTypeId | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["page"] = page

    params["size"] = size

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    json_type_: str | Unset = UNSET
    if not isinstance(type_, Unset):
        json_type_ = type_.value

    params["type"] = json_type_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/reports",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | ReportPage:
    if response.status_code == 200:
        response_200 = ReportPage.from_dict(response.json())

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
) -> Response[Problem | ReportPage]:
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
    status: ReportStatus | Unset = UNSET,
    type_: ReportTypeId | Unset = UNSET,
) -> Response[Problem | ReportPage]:
    """The caller's reports (an admin sees everyone's), newest first

    Args:
        page (int | Unset):  Default: 0.
        size (int | Unset):  Default: 20.
        status (ReportStatus | Unset):
        type_ (ReportTypeId | Unset): `inference-usage`: own data (an admin's: everyone's); `user-
            signups`, `platform-activity`: platform-wide (admin)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReportPage]
    """

    kwargs = _get_kwargs(
        page=page,
        size=size,
        status=status,
        type_=type_,
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
    status: ReportStatus | Unset = UNSET,
    type_: ReportTypeId | Unset = UNSET,
) -> Problem | ReportPage | None:
    """The caller's reports (an admin sees everyone's), newest first

    Args:
        page (int | Unset):  Default: 0.
        size (int | Unset):  Default: 20.
        status (ReportStatus | Unset):
        type_ (ReportTypeId | Unset): `inference-usage`: own data (an admin's: everyone's); `user-
            signups`, `platform-activity`: platform-wide (admin)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReportPage
    """

    return sync_detailed(
        client=client,
        page=page,
        size=size,
        status=status,
        type_=type_,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 0,
    size: int | Unset = 20,
    status: ReportStatus | Unset = UNSET,
    type_: ReportTypeId | Unset = UNSET,
) -> Response[Problem | ReportPage]:
    """The caller's reports (an admin sees everyone's), newest first

    Args:
        page (int | Unset):  Default: 0.
        size (int | Unset):  Default: 20.
        status (ReportStatus | Unset):
        type_ (ReportTypeId | Unset): `inference-usage`: own data (an admin's: everyone's); `user-
            signups`, `platform-activity`: platform-wide (admin)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReportPage]
    """

    kwargs = _get_kwargs(
        page=page,
        size=size,
        status=status,
        type_=type_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 0,
    size: int | Unset = 20,
    status: ReportStatus | Unset = UNSET,
    type_: ReportTypeId | Unset = UNSET,
) -> Problem | ReportPage | None:
    """The caller's reports (an admin sees everyone's), newest first

    Args:
        page (int | Unset):  Default: 0.
        size (int | Unset):  Default: 20.
        status (ReportStatus | Unset):
        type_ (ReportTypeId | Unset): `inference-usage`: own data (an admin's: everyone's); `user-
            signups`, `platform-activity`: platform-wide (admin)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReportPage
    """

    return (
        await asyncio_detailed(
            client=client,
            page=page,
            size=size,
            status=status,
            type_=type_,
        )
    ).parsed
