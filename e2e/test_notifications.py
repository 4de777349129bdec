"""Real-time notifications through the gateway: ticket, WebSocket handshake, admin broadcast, history, and the
SSE stream's replay from Last-Event-ID."""

import json
import threading
import time
import uuid
from contextlib import closing
from urllib.parse import urlparse

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from e2e.conftest import websocket_ticket
from platform_client.notification.api.broadcast import broadcast_notification
from platform_client.notification.api.history import list_notifications
from platform_client.notification.models import Broadcast, BroadcastRequest, NotificationPage, Severity


def _origin(gateway_url: str) -> str:
    # One of the gateway's own origins, the default allowlist (CORS_ALLOWED_ORIGINS), as a browser would send.
    return f"http://127.0.0.1:{urlparse(gateway_url).port}"


def _broadcast(admin, message: str) -> Broadcast:
    return admin.api.expect(broadcast_notification.sync_detailed(
        client=admin.api.notification, body=BroadcastRequest(title="E2E", message=message, severity=Severity.INFO)),
        Broadcast, 202)


def _history(account, **query) -> NotificationPage:
    return account.api.expect(list_notifications.sync_detailed(client=account.api.notification, **query),
                              NotificationPage, 200)


def _open(gateway_url: str, ws_path: str):
    url = gateway_url.replace("http://", "ws://", 1) + ws_path
    return connect(url, origin=_origin(gateway_url), open_timeout=10)


def _next(ws, frame_type: str, timeout: float = 20.0, where=lambda frame: True) -> dict:
    """The next frame of this type that matches, answering the server's heartbeat meanwhile."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        frame = json.loads(ws.recv(timeout=left))
        if frame["type"] == "ping":
            ws.send(json.dumps({"type": "pong", "nonce": frame["nonce"]}))
        elif frame["type"] == frame_type and where(frame):
            return frame
    raise AssertionError(f"no {frame_type} frame within {timeout} s")


def _await(condition, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met within the timeout")


def test_a_ticket_needs_a_signed_in_user(gateway):
    response = gateway.post("/api/notifications/ticket")  # raw: without a token
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


def test_an_admin_broadcast_reaches_a_user_connected_through_the_gateway_and_stays_in_their_history(
        gateway_url, admin, new_account):
    user = new_account("user")
    ticket = websocket_ticket(user)
    assert ticket.ws_url == f"/ws/notifications?ticket={ticket.ticket}"
    with _open(gateway_url, ticket.ws_url) as ws:
        hello = _next(ws, "hello")
        assert hello["user_id"] == user.id
        assert sorted(hello["topics"]) == ["broadcast", f"user:{user.id}"]

        message = f"e2e broadcast {uuid.uuid4()}"
        broadcast = _broadcast(admin, message)
        assert str(broadcast.sent_by) == admin.id

        event = _next(ws, "event", where=lambda f: f["data"].get("broadcast_id") == str(broadcast.broadcast_id))
        assert event["topic"] == "broadcast"
        assert event["event_type"] == "notification.broadcast"
        assert event["data"]["message"] == message
        ws.send(json.dumps({"type": "ack", "id": event["id"]}))
        ws.send(json.dumps({"type": "ping", "nonce": "e2e"}))
        assert _next(ws, "pong")["nonce"] == "e2e"

    history = _history(user, type_="notification.broadcast", size=100)
    assert event["id"] in [str(item.id) for item in history.items]


def _broadcast_id(notification) -> str | None:
    return notification.data.additional_properties.get("broadcast_id")


def test_the_event_stream_replays_what_a_client_missed_after_its_last_event_id(admin, new_account):
    user = new_account("user")
    first, second = (str(_broadcast(admin, f"e2e missed {uuid.uuid4()}").broadcast_id) for _ in range(2))

    def stored(broadcast_id: str):
        return next((item for item in _history(user, type_="notification.broadcast", size=100).items
                     if _broadcast_id(item) == broadcast_id), None)

    resume_after = _await(lambda: stored(first)).id
    _await(lambda: stored(second))
    received: list[str | None] = []

    def read_the_stream() -> None:  # SSE, resumed after the first broadcast: the second is replayed at once
        with closing(user.api.events(last_event_id=resume_after)) as events:
            received.append(next(_broadcast_id(e) for e in events if _broadcast_id(e) in (first, second)))

    # In a thread: the stream is endless and its keep-alive comments keep a read timeout from firing.
    reader = threading.Thread(target=read_the_stream, daemon=True)
    reader.start()
    reader.join(timeout=20)
    assert received == [second]


def test_a_ticket_opens_one_socket_only(gateway_url, new_account):
    user = new_account("user")
    ticket = websocket_ticket(user)
    with _open(gateway_url, ticket.ws_url) as first:
        _next(first, "hello")
        try:
            second = _open(gateway_url, ticket.ws_url)
        except InvalidStatus as refused:
            # A gateway that checks tickets itself (EXISTS) refuses the spent one before the upgrade.
            assert refused.response.status_code in (401, 403)
            return
        with second:
            with pytest.raises(ConnectionClosed):
                second.recv(timeout=10)
            assert second.close_code == 4401


def test_only_an_admin_broadcasts(new_account):
    user = new_account("user")
    response = broadcast_notification.sync_detailed(client=user.api.notification, body=BroadcastRequest(message="hi"))
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")


def test_a_new_account_is_announced_on_the_admin_topic(admin, new_account):
    user = new_account("viewer")

    def announced():
        page = _history(admin, type_="user.registered", size=100)
        return [item for item in page.items if item.data.additional_properties.get("user_id") == user.id]

    [notification] = _await(announced)
    assert notification.topic == "admin"
    assert _history(user, type_="user.registered").total_items == 0
