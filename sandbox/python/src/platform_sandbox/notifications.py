"""A user's live notifications, as the web console gets them: a WebSocket through the gateway opened with a ticket.

`NotificationFeed.open()` asks notification-service for a single-use ticket (POST /api/notifications/ticket, the
generated client), opens `/ws/notifications?ticket=…` with the gateway's own origin (the gateway checks it), reads the
`hello` frame (the connection is then subscribed to the user's topics) and returns; a thread reads every later frame,
answers the server's pings (or it closes the connection after two heartbeats) and acknowledges each event. Frames are
parsed into the contract's models (contract_types.websocket).

`wait_for(type=..., where=..., timeout=...)` returns the first event frame (`EventFrame`: id, topic, event_type, source,
time, data) of that event type matching `where` that no earlier wait_for returned.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from contract_types.websocket import AckFrame, EventFrame, HelloFrame, PongFrame
from platform_client import PlatformSession
from platform_client.notification.api.live import create_web_socket_ticket
from platform_client.notification.models import WebSocketTicket
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

OPEN_TIMEOUT_SECONDS = 10
FramePredicate = Callable[[EventFrame], bool]


class NotificationTimeout(AssertionError):
    """No matching notification arrived in time; the message lists what did arrive."""


class NotificationFeed:
    def __init__(self, session: PlatformSession, websocket_base_url: str, origin: str) -> None:
        self.session = session
        self.websocket_base_url = websocket_base_url.rstrip("/")
        self.origin = origin
        self.hello: HelloFrame | None = None
        self.received: list[EventFrame] = []
        self.closed_because: str = ""  # why the server closed the feed, once it did
        self._returned: set[str] = set()
        self._arrived = threading.Condition()
        self._connection: ClientConnection | None = None
        self._reader: threading.Thread | None = None
        self._closing = ExitStack()

    def open(self) -> NotificationFeed:
        ticket = self.session.expect(create_web_socket_ticket.sync_detailed(client=self.session.notification),
                                     WebSocketTicket, 201)
        with ExitStack() as opening:
            self._connection = opening.enter_context(connect(self.websocket_base_url + ticket.ws_url,
                                                             origin=self.origin, open_timeout=OPEN_TIMEOUT_SECONDS))
            self.hello = HelloFrame.model_validate_json(self._connection.recv(timeout=OPEN_TIMEOUT_SECONDS))
            self._closing = opening.pop_all()  # open past here: close() closes it
        self._reader = threading.Thread(target=self._read, name=f"notifications {self.hello.user_id}", daemon=True)
        self._reader.start()
        return self

    def close(self) -> None:
        self._closing.close()
        if self._reader is not None:
            self._reader.join(OPEN_TIMEOUT_SECONDS)

    def _read(self) -> None:
        assert self._connection is not None
        try:
            for message in self._connection:
                frame: dict[str, Any] = json.loads(message)
                if frame.get("type") == "ping":
                    self._connection.send(PongFrame(type="pong", nonce=frame["nonce"]).model_dump_json())
                elif frame.get("type") == "event":
                    event = EventFrame.model_validate(frame)
                    self._connection.send(AckFrame(type="ack", id=event.id).model_dump_json())
                    with self._arrived:
                        self.received.append(event)
                        self._arrived.notify_all()
        except ConnectionClosed as closed:
            self.closed_because = f"closed by the server: {closed.rcvd}" if closed.rcvd else "connection lost"
        finally:
            with self._arrived:
                self.closed_because = self.closed_because or "closed"
                self._arrived.notify_all()

    def wait_for(self, type: str, where: FramePredicate | None = None, timeout: float = 10) -> EventFrame:
        """The first notification of event type `type` (`where` true, if given) no earlier wait_for returned, within
        `timeout` seconds; NotificationTimeout (an AssertionError) naming what arrived otherwise."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for event in self.received:
                    if event.event_type == type and str(event.id) not in self._returned and (where is None or where(event)):
                        self._returned.add(str(event.id))
                        return event
                left = deadline - time.monotonic()
                if left <= 0 or (self.closed_because and self._reader is not None and not self._reader.is_alive()):
                    arrived = ", ".join(f"{e.event_type} on {e.topic}" for e in self.received) or "nothing"
                    state = f"; the feed was {self.closed_because}" if self.closed_because else ""
                    raise NotificationTimeout(f"no {type} notification within {timeout:g} s; received: {arrived}{state}")
                self._arrived.wait(left)
