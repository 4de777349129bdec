from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.eta_prediction import EtaPrediction
from ...models.problem import Problem
from ...models.shipment import Shipment
from ...types import Response


def _get_kwargs(
    *,
    body: Shipment,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/inference/v1/eta",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EtaPrediction | Problem:
    if response.status_code == 200:
        response_200 = EtaPrediction.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

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
) -> Response[EtaPrediction | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: Shipment,
) -> Response[EtaPrediction | Problem]:
    """Predict the transit time, ETA and delay risk of one shipment

     Any signed-in role (viewers too). A carrier the model does not know is predicted as "other".
    Every invalid field is reported at once, each at its pointer (`/body/distance_km`). Publishes one
    `inference.usage` event.

    Args:
        body (Shipment): One US freight shipment to predict.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EtaPrediction | Problem]
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
    body: Shipment,
) -> EtaPrediction | Problem | None:
    """Predict the transit time, ETA and delay risk of one shipment

     Any signed-in role (viewers too). A carrier the model does not know is predicted as "other".
    Every invalid field is reported at once, each at its pointer (`/body/distance_km`). Publishes one
    `inference.usage` event.

    Args:
        body (Shipment): One US freight shipment to predict.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EtaPrediction | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: Shipment,
) -> Response[EtaPrediction | Problem]:
    """Predict the transit time, ETA and delay risk of one shipment

     Any signed-in role (viewers too). A carrier the model does not know is predicted as "other".
    Every invalid field is reported at once, each at its pointer (`/body/distance_km`). Publishes one
    `inference.usage` event.

    Args:
        body (Shipment): One US freight shipment to predict.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EtaPrediction | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: Shipment,
) -> EtaPrediction | Problem | None:
    """Predict the transit time, ETA and delay risk of one shipment

     Any signed-in role (viewers too). A carrier the model does not know is predicted as "other".
    Every invalid field is reported at once, each at its pointer (`/body/distance_km`). Publishes one
    `inference.usage` event.

    Args:
        body (Shipment): One US freight shipment to predict.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EtaPrediction | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
