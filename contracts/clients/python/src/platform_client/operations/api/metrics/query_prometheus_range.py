from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.prometheus_query_response import PrometheusQueryResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    query: str,
    start: str,
    end: str,
    step: str,
    timeout: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["query"] = query

    params["start"] = start

    params["end"] = end

    params["step"] = step

    params["timeout"] = timeout

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/operations/prometheus/query_range",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | PrometheusQueryResponse:
    if response.status_code == 200:
        response_200 = PrometheusQueryResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | PrometheusQueryResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    query: str,
    start: str,
    end: str,
    step: str,
    timeout: str | Unset = UNSET,
) -> Response[Problem | PrometheusQueryResponse]:
    """A PromQL expression evaluated over a time range (Prometheus' range query)

    Args:
        query (str):
        start (str):
        end (str):
        step (str):
        timeout (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | PrometheusQueryResponse]
    """

    kwargs = _get_kwargs(
        query=query,
        start=start,
        end=end,
        step=step,
        timeout=timeout,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    query: str,
    start: str,
    end: str,
    step: str,
    timeout: str | Unset = UNSET,
) -> Problem | PrometheusQueryResponse | None:
    """A PromQL expression evaluated over a time range (Prometheus' range query)

    Args:
        query (str):
        start (str):
        end (str):
        step (str):
        timeout (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | PrometheusQueryResponse
    """

    return sync_detailed(
        client=client,
        query=query,
        start=start,
        end=end,
        step=step,
        timeout=timeout,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    query: str,
    start: str,
    end: str,
    step: str,
    timeout: str | Unset = UNSET,
) -> Response[Problem | PrometheusQueryResponse]:
    """A PromQL expression evaluated over a time range (Prometheus' range query)

    Args:
        query (str):
        start (str):
        end (str):
        step (str):
        timeout (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | PrometheusQueryResponse]
    """

    kwargs = _get_kwargs(
        query=query,
        start=start,
        end=end,
        step=step,
        timeout=timeout,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    query: str,
    start: str,
    end: str,
    step: str,
    timeout: str | Unset = UNSET,
) -> Problem | PrometheusQueryResponse | None:
    """A PromQL expression evaluated over a time range (Prometheus' range query)

    Args:
        query (str):
        start (str):
        end (str):
        step (str):
        timeout (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | PrometheusQueryResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            query=query,
            start=start,
            end=end,
            step=step,
            timeout=timeout,
        )
    ).parsed
