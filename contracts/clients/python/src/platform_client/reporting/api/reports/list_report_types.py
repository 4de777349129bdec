from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.report_type_list import ReportTypeList
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/reports/types",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | ReportTypeList:
    if response.status_code == 200:
        response_200 = ReportTypeList.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | ReportTypeList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[Problem | ReportTypeList]:
    """The reports the caller may request

     Each type with its parameters: `from`/`to` (UTC days, both included), `granularity` (time bucket)
    and
    `group_by` (extra grouping), with the values and the default each type takes. Platform-wide types
    (scope `platform`: `user-signups`, `platform-activity`) are listed for admins only; `inference-
    usage`
    (scope `own`) covers the caller's own usage, an admin's covers everyone's.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReportTypeList]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
) -> Problem | ReportTypeList | None:
    """The reports the caller may request

     Each type with its parameters: `from`/`to` (UTC days, both included), `granularity` (time bucket)
    and
    `group_by` (extra grouping), with the values and the default each type takes. Platform-wide types
    (scope `platform`: `user-signups`, `platform-activity`) are listed for admins only; `inference-
    usage`
    (scope `own`) covers the caller's own usage, an admin's covers everyone's.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReportTypeList
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[Problem | ReportTypeList]:
    """The reports the caller may request

     Each type with its parameters: `from`/`to` (UTC days, both included), `granularity` (time bucket)
    and
    `group_by` (extra grouping), with the values and the default each type takes. Platform-wide types
    (scope `platform`: `user-signups`, `platform-activity`) are listed for admins only; `inference-
    usage`
    (scope `own`) covers the caller's own usage, an admin's covers everyone's.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReportTypeList]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
) -> Problem | ReportTypeList | None:
    """The reports the caller may request

     Each type with its parameters: `from`/`to` (UTC days, both included), `granularity` (time bucket)
    and
    `group_by` (extra grouping), with the values and the default each type takes. Platform-wide types
    (scope `platform`: `user-signups`, `platform-activity`) are listed for admins only; `inference-
    usage`
    (scope `own`) covers the caller's own usage, an admin's covers everyone's.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReportTypeList
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
