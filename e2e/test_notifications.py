"""Real-time notifications through the gateway: ticket, WebSocket handshake, admin broadcast, history."""

import json
import time
import uuid
from urllib.parse import urlparse

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect


def _origin(gateway_url: str) -> str:
    # One of the gateway's own origins, the default allowlist (CORS_ALLOWED_ORIGINS), as a browser would send.
    return f"http://127.0.0.1:{urlparse(gateway_url).port}"


def _ticket(gateway, account) -> dict:
    response = gateway.post("/api/notifications/ticket", headers=account.headers)
    assert response.status_code == 201, response.text
    return response.json()


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
    response = gateway.post("/api/notifications/ticket")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


def test_an_admin_broadcast_reaches_a_user_connected_through_the_gateway_and_stays_in_their_history(
        gateway, gateway_url, admin, new_account):
    user = new_account("user")
    ticket = _ticket(gateway, user)
    assert ticket["ws_url"] == f"/ws/notifications?ticket={ticket['ticket']}"
    with _open(gateway_url, ticket["ws_url"]) as ws:
        hello = _next(ws, "hello")
        assert hello["user_id"] == user.id
        assert sorted(hello["topics"]) == ["broadcast", f"user:{user.id}"]

        message = f"e2e broadcast {uuid.uuid4()}"
        sent = gateway.post("/api/notifications/broadcast", headers=admin.headers,
                            json={"title": "E2E", "message": message, "severity": "info"})
        assert sent.status_code == 202, sent.text
        broadcast = sent.json()
        assert broadcast["sent_by"] == admin.id

        event = _next(ws, "event", where=lambda f: f["data"].get("broadcast_id") == broadcast["broadcast_id"])
        assert event["topic"] == "broadcast"
        assert event["event_type"] == "notification.broadcast"
        assert event["data"]["message"] == message
        ws.send(json.dumps({"type": "ack", "id": event["id"]}))
        ws.send(json.dumps({"type": "ping", "nonce": "e2e"}))
        assert _next(ws, "pong")["nonce"] == "e2e"

    history = gateway.get("/api/notifications", params={"type": "notification.broadcast", "size": 100},
                          headers=user.headers)
    assert history.status_code == 200, history.text
    assert event["id"] in [item["id"] for item in history.json()["items"]]


def test_a_ticket_opens_one_socket_only(gateway, gateway_url, new_account):
    user = new_account("user")
    ticket = _ticket(gateway, user)
    with _open(gateway_url, ticket["ws_url"]) as first:
        _next(first, "hello")
        try:
            second = _open(gateway_url, ticket["ws_url"])
        except InvalidStatus as refused:
            # A gateway that checks tickets itself (EXISTS) refuses the spent one before the upgrade.
            assert refused.response.status_code in (401, 403)
            return
        with second:
            with pytest.raises(ConnectionClosed):
                second.recv(timeout=10)
            assert second.close_code == 4401


def test_only_an_admin_broadcasts(gateway, new_account):
    user = new_account("user")
    response = gateway.post("/api/notifications/broadcast", headers=user.headers, json={"message": "hi"})
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")


def test_a_new_account_is_announced_on_the_admin_topic(gateway, admin, new_account):
    user = new_account("viewer")

    def announced():
        page = gateway.get("/api/notifications", params={"type": "user.registered", "size": 100},
                           headers=admin.headers).json()
        return [item for item in page["items"] if item["data"].get("user_id") == user.id]

    [notification] = _await(announced)
    assert notification["topic"] == "admin"
    own = gateway.get("/api/notifications", params={"type": "user.registered"}, headers=user.headers).json()
    assert own["total_items"] == 0
