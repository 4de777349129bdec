from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.stream_notifications_response_200 import StreamNotificationsResponse200
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    last_event_id: UUID | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(last_event_id, Unset):
        headers["Last-Event-ID"] = str(last_event_id)

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/notifications/stream",
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | StreamNotificationsResponse200:
    if response.status_code == 200:
        response_200 = StreamNotificationsResponse200.from_dict(response.text)

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | StreamNotificationsResponse200]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    last_event_id: UUID | Unset = UNSET,
) -> Response[Problem | StreamNotificationsResponse200]:
    """The signed-in user's notifications as Server-Sent Events

     `text/event-stream`: one SSE event per notification, `id` = the event id, `event` = the event
    type, `data` = the Notification as one line of JSON. A comment line (`: keep-alive`) every 15 s
    keeps proxies from closing the connection. Reconnect with `Last-Event-ID` to receive what was
    missed on the user's topics (from the capped history, at most NOTIFICATION_REPLAY_LIMIT), then
    live events. A user may hold NOTIFICATION_MAX_CONNECTIONS_PER_USER connections (WebSocket and
    SSE together) across every instance, counted in Redis; one more is a 429 problem. After a role
    change the stream no longer carries the topics the new role may not read (`admin`); when the
    account is deleted the stream ends.

    Args:
        last_event_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | StreamNotificationsResponse200]
    """

    kwargs = _get_kwargs(
        last_event_id=last_event_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    last_event_id: UUID | Unset = UNSET,
) -> Problem | StreamNotificationsResponse200 | None:
    """The signed-in user's notifications as Server-Sent Events

     `text/event-stream`: one SSE event per notification, `id` = the event id, `event` = the event
    type, `data` = the Notification as one line of JSON. A comment line (`: keep-alive`) every 15 s
    keeps proxies from closing the connection. Reconnect with `Last-Event-ID` to receive what was
    missed on the user's topics (from the capped history, at most NOTIFICATION_REPLAY_LIMIT), then
    live events. A user may hold NOTIFICATION_MAX_CONNECTIONS_PER_USER connections (WebSocket and
    SSE together) across every instance, counted in Redis; one more is a 429 problem. After a role
    change the stream no longer carries the topics the new role may not read (`admin`); when the
    account is deleted the stream ends.

    Args:
        last_event_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | StreamNotificationsResponse200
    """

    return sync_detailed(
        client=client,
        last_event_id=last_event_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    last_event_id: UUID | Unset = UNSET,
) -> Response[Problem | StreamNotificationsResponse200]:
    """The signed-in user's notifications as Server-Sent Events

     `text/event-stream`: one SSE event per notification, `id` = the event id, `event` = the event
    type, `data` = the Notification as one line of JSON. A comment line (`: keep-alive`) every 15 s
    keeps proxies from closing the connection. Reconnect with `Last-Event-ID` to receive what was
    missed on the user's topics (from the capped history, at most NOTIFICATION_REPLAY_LIMIT), then
    live events. A user may hold NOTIFICATION_MAX_CONNECTIONS_PER_USER connections (WebSocket and
    SSE together) across every instance, counted in Redis; one more is a 429 problem. After a role
    change the stream no longer carries the topics the new role may not read (`admin`); when the
    account is deleted the stream ends.

    Args:
        last_event_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | StreamNotificationsResponse200]
    """

    kwargs = _get_kwargs(
        last_event_id=last_event_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    last_event_id: UUID | Unset = UNSET,
) -> Problem | StreamNotificationsResponse200 | None:
    """The signed-in user's notifications as Server-Sent Events

     `text/event-stream`: one SSE event per notification, `id` = the event id, `event` = the event
    type, `data` = the Notification as one line of JSON. A comment line (`: keep-alive`) every 15 s
    keeps proxies from closing the connection. Reconnect with `Last-Event-ID` to receive what was
    missed on the user's topics (from the capped history, at most NOTIFICATION_REPLAY_LIMIT), then
    live events. A user may hold NOTIFICATION_MAX_CONNECTIONS_PER_USER connections (WebSocket and
    SSE together) across every instance, counted in Redis; one more is a 429 problem. After a role
    change the stream no longer carries the topics the new role may not read (`admin`); when the
    account is deleted the stream ends.

    Args:
        last_event_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | StreamNotificationsResponse200
    """

    return (
        await asyncio_detailed(
            client=client,
            last_event_id=last_event_id,
        )
    ).parsed
