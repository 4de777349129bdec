from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.eta_batch_request import EtaBatchRequest
from ...models.eta_batch_response import EtaBatchResponse
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: EtaBatchRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/inference/v1/eta/batch",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EtaBatchResponse | Problem:
    if response.status_code == 200:
        response_200 = EtaBatchResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[EtaBatchResponse | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: EtaBatchRequest,
) -> Response[EtaBatchResponse | Problem]:
    """Predict up to 1000 shipments in one vectorised call

     Any signed-in role. Predictions keep the order of `shipments`; an invalid row makes the whole call a
    422 whose errors point into the rows (`/body/shipments/3/distance_km`). For more rows, or to be
    notified, submit a job. Publishes one `inference.usage` event for the whole batch.

    Args:
        body (EtaBatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EtaBatchResponse | Problem]
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
    body: EtaBatchRequest,
) -> EtaBatchResponse | Problem | None:
    """Predict up to 1000 shipments in one vectorised call

     Any signed-in role. Predictions keep the order of `shipments`; an invalid row makes the whole call a
    422 whose errors point into the rows (`/body/shipments/3/distance_km`). For more rows, or to be
    notified, submit a job. Publishes one `inference.usage` event for the whole batch.

    Args:
        body (EtaBatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EtaBatchResponse | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: EtaBatchRequest,
) -> Response[EtaBatchResponse | Problem]:
    """Predict up to 1000 shipments in one vectorised call

     Any signed-in role. Predictions keep the order of `shipments`; an invalid row makes the whole call a
    422 whose errors point into the rows (`/body/shipments/3/distance_km`). For more rows, or to be
    notified, submit a job. Publishes one `inference.usage` event for the whole batch.

    Args:
        body (EtaBatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EtaBatchResponse | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: EtaBatchRequest,
) -> EtaBatchResponse | Problem | None:
    """Predict up to 1000 shipments in one vectorised call

     Any signed-in role. Predictions keep the order of `shipments`; an invalid row makes the whole call a
    422 whose errors point into the rows (`/body/shipments/3/distance_km`). For more rows, or to be
    notified, submit a job. Publishes one `inference.usage` event for the whole batch.

    Args:
        body (EtaBatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EtaBatchResponse | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
