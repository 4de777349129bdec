from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.web_socket_ticket import WebSocketTicket
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/notifications/ticket",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | WebSocketTicket:
    if response.status_code == 201:
        response_201 = WebSocketTicket.from_dict(response.json())

        return response_201

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | WebSocketTicket]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[Problem | WebSocketTicket]:
    """A single-use ticket for the WebSocket handshake

     Browsers cannot send an Authorization header on a WebSocket handshake, so the client first gets
    a short-lived (30 s), single-use ticket here with its bearer token, then opens
    `/ws/notifications?ticket=<ticket>` (protocol: contracts/asyncapi/platform.asyncapi.yaml). The
    ticket is 32 random bytes, base64url without padding, stored in Redis as
    `notification:ticket:<ticket>` = `{"user_id", "email", "roles"}` for NOTIFICATION_TICKET_TTL_MS
    (30 s) and taken with GETDEL by the handshake; a used or expired ticket closes the socket with 4401.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebSocketTicket]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
) -> Problem | WebSocketTicket | None:
    """A single-use ticket for the WebSocket handshake

     Browsers cannot send an Authorization header on a WebSocket handshake, so the client first gets
    a short-lived (30 s), single-use ticket here with its bearer token, then opens
    `/ws/notifications?ticket=<ticket>` (protocol: contracts/asyncapi/platform.asyncapi.yaml). The
    ticket is 32 random bytes, base64url without padding, stored in Redis as
    `notification:ticket:<ticket>` = `{"user_id", "email", "roles"}` for NOTIFICATION_TICKET_TTL_MS
    (30 s) and taken with GETDEL by the handshake; a used or expired ticket closes the socket with 4401.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WebSocketTicket
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[Problem | WebSocketTicket]:
    """A single-use ticket for the WebSocket handshake

     Browsers cannot send an Authorization header on a WebSocket handshake, so the client first gets
    a short-lived (30 s), single-use ticket here with its bearer token, then opens
    `/ws/notifications?ticket=<ticket>` (protocol: contracts/asyncapi/platform.asyncapi.yaml). The
    ticket is 32 random bytes, base64url without padding, stored in Redis as
    `notification:ticket:<ticket>` = `{"user_id", "email", "roles"}` for NOTIFICATION_TICKET_TTL_MS
    (30 s) and taken with GETDEL by the handshake; a used or expired ticket closes the socket with 4401.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebSocketTicket]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
) -> Problem | WebSocketTicket | None:
    """A single-use ticket for the WebSocket handshake

     Browsers cannot send an Authorization header on a WebSocket handshake, so the client first gets
    a short-lived (30 s), single-use ticket here with its bearer token, then opens
    `/ws/notifications?ticket=<ticket>` (protocol: contracts/asyncapi/platform.asyncapi.yaml). The
    ticket is 32 random bytes, base64url without padding, stored in Redis as
    `notification:ticket:<ticket>` = `{"user_id", "email", "roles"}` for NOTIFICATION_TICKET_TTL_MS
    (30 s) and taken with GETDEL by the handshake; a used or expired ticket closes the socket with 4401.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WebSocketTicket
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
