from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.get_inference_job_result_format import GetInferenceJobResultFormat
from ...models.job_result import JobResult
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: UUID,
    *,
    format_: GetInferenceJobResultFormat | Unset = GetInferenceJobResultFormat.JSON,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/inference/v1/jobs/{id}/result".format(
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> JobResult | Problem:
    if response.status_code == 200:
        response_200 = JobResult.from_dict(response.json())

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
) -> Response[JobResult | Problem]:
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
    format_: GetInferenceJobResultFormat | Unset = GetInferenceJobResultFormat.JSON,
) -> Response[JobResult | Problem]:
    """The predictions of a job that succeeded, as JSON or CSV

     The owner or an admin (others: 404). One prediction per submitted row, `row` being its position. A
    job that has not succeeded has no result: 409.

    Args:
        id (UUID):
        format_ (GetInferenceJobResultFormat | Unset):  Default: GetInferenceJobResultFormat.JSON.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[JobResult | Problem]
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
    format_: GetInferenceJobResultFormat | Unset = GetInferenceJobResultFormat.JSON,
) -> JobResult | Problem | None:
    """The predictions of a job that succeeded, as JSON or CSV

     The owner or an admin (others: 404). One prediction per submitted row, `row` being its position. A
    job that has not succeeded has no result: 409.

    Args:
        id (UUID):
        format_ (GetInferenceJobResultFormat | Unset):  Default: GetInferenceJobResultFormat.JSON.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        JobResult | Problem
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
    format_: GetInferenceJobResultFormat | Unset = GetInferenceJobResultFormat.JSON,
) -> Response[JobResult | Problem]:
    """The predictions of a job that succeeded, as JSON or CSV

     The owner or an admin (others: 404). One prediction per submitted row, `row` being its position. A
    job that has not succeeded has no result: 409.

    Args:
        id (UUID):
        format_ (GetInferenceJobResultFormat | Unset):  Default: GetInferenceJobResultFormat.JSON.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[JobResult | Problem]
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
    format_: GetInferenceJobResultFormat | Unset = GetInferenceJobResultFormat.JSON,
) -> JobResult | Problem | None:
    """The predictions of a job that succeeded, as JSON or CSV

     The owner or an admin (others: 404). One prediction per submitted row, `row` being its position. A
    job that has not succeeded has no result: 409.

    Args:
        id (UUID):
        format_ (GetInferenceJobResultFormat | Unset):  Default: GetInferenceJobResultFormat.JSON.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        JobResult | Problem
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            format_=format_,
        )
    ).parsed
