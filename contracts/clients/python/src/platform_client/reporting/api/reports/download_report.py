from http import HTTPStatus
from io import BytesIO
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.report_format import ReportFormat
from ...types import UNSET, File, Response


def _get_kwargs(
    id: UUID,
    *,
    format_: ReportFormat,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_format_ = format_.value
    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/reports/{id}/download".format(
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> File | Problem:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[File | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    format_: ReportFormat,
) -> Response[File | Problem]:
    """Download a ready report

     The owner or an admin (anyone else: 404). 409 while the report is not ready (or failed). Files are
    rendered from the stored table: CSV and XLSX (one sheet) hold its rows, JSON is `ReportData`, PNG
    is a 1200x600 chart of the report's main measure (stacked per group, or the 20 busiest lanes).

    Args:
        id (UUID):
        format_ (ReportFormat):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[File | Problem]
    """

    kwargs = _get_kwargs(
        id=id,
        format_=format_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    *,
    client: AuthenticatedClient,
    format_: ReportFormat,
) -> File | Problem | None:
    """Download a ready report

     The owner or an admin (anyone else: 404). 409 while the report is not ready (or failed). Files are
    rendered from the stored table: CSV and XLSX (one sheet) hold its rows, JSON is `ReportData`, PNG
    is a 1200x600 chart of the report's main measure (stacked per group, or the 20 busiest lanes).

    Args:
        id (UUID):
        format_ (ReportFormat):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        File | Problem
    """

    return sync_detailed(
        id=id,
        client=client,
        format_=format_,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    format_: ReportFormat,
) -> Response[File | Problem]:
    """Download a ready report

     The owner or an admin (anyone else: 404). 409 while the report is not ready (or failed). Files are
    rendered from the stored table: CSV and XLSX (one sheet) hold its rows, JSON is `ReportData`, PNG
    is a 1200x600 chart of the report's main measure (stacked per group, or the 20 busiest lanes).

    Args:
        id (UUID):
        format_ (ReportFormat):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[File | Problem]
    """

    kwargs = _get_kwargs(
        id=id,
        format_=format_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient,
    format_: ReportFormat,
) -> File | Problem | None:
    """Download a ready report

     The owner or an admin (anyone else: 404). 409 while the report is not ready (or failed). Files are
    rendered from the stored table: CSV and XLSX (one sheet) hold its rows, JSON is `ReportData`, PNG
    is a 1200x600 chart of the report's main measure (stacked per group, or the 20 busiest lanes).

    Args:
        id (UUID):
        format_ (ReportFormat):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        File | Problem
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            format_=format_,
        )
    ).parsed
