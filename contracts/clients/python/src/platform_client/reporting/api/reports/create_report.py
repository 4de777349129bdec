from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.create_report_request import CreateReportRequest
from ...models.problem import Problem
from ...models.report import Report
from ...types import Response


def _get_kwargs(
    *,
    body: CreateReportRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/reports",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | Report:
    if response.status_code == 202:
        response_202 = Report.from_dict(response.json())

        return response_202

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | Report]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateReportRequest,
) -> Response[Problem | Report]:
    """Request a report (asynchronous)

     Stored as `queued` and put on the `reporting.jobs` stream (event `report.requested`); the reporting
    worker publishes `report.progress`, then `report.ready` or `report.failed` on `platform.events`,
    which reach the owner as notifications. Roles `user` and `admin`; platform-wide types need `admin`;
    a `viewer` gets 403. Unknown type, invalid or inverted dates, a range longer than the granularity
    allows (31 days by hour, 366 otherwise), or a granularity/group_by the type does not take: 422,
    and nothing is stored or queued.

    Args:
        body (CreateReportRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Report]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: CreateReportRequest,
) -> Problem | Report | None:
    """Request a report (asynchronous)

     Stored as `queued` and put on the `reporting.jobs` stream (event `report.requested`); the reporting
    worker publishes `report.progress`, then `report.ready` or `report.failed` on `platform.events`,
    which reach the owner as notifications. Roles `user` and `admin`; platform-wide types need `admin`;
    a `viewer` gets 403. Unknown type, invalid or inverted dates, a range longer than the granularity
    allows (31 days by hour, 366 otherwise), or a granularity/group_by the type does not take: 422,
    and nothing is stored or queued.

    Args:
        body (CreateReportRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Report
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateReportRequest,
) -> Response[Problem | Report]:
    """Request a report (asynchronous)

     Stored as `queued` and put on the `reporting.jobs` stream (event `report.requested`); the reporting
    worker publishes `report.progress`, then `report.ready` or `report.failed` on `platform.events`,
    which reach the owner as notifications. Roles `user` and `admin`; platform-wide types need `admin`;
    a `viewer` gets 403. Unknown type, invalid or inverted dates, a range longer than the granularity
    allows (31 days by hour, 366 otherwise), or a granularity/group_by the type does not take: 422,
    and nothing is stored or queued.

    Args:
        body (CreateReportRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Report]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CreateReportRequest,
) -> Problem | Report | None:
    """Request a report (asynchronous)

     Stored as `queued` and put on the `reporting.jobs` stream (event `report.requested`); the reporting
    worker publishes `report.progress`, then `report.ready` or `report.failed` on `platform.events`,
    which reach the owner as notifications. Roles `user` and `admin`; platform-wide types need `admin`;
    a `viewer` gets 403. Unknown type, invalid or inverted dates, a range longer than the granularity
    allows (31 days by hour, 366 otherwise), or a granularity/group_by the type does not take: 422,
    and nothing is stored or queued.

    Args:
        body (CreateReportRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Report
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
