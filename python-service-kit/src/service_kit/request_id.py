"""`X-Request-Id`: taken from the caller (the gateway sets it) or created, echoed back, put in every log line."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-Id"

# A caller's id is trusted only if it is short and made of characters that are safe in a log line and a
# header: anything else (newlines, quotes, kilobytes of text) could forge log entries, so it is replaced.
_ACCEPTABLE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")

_current_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being served by this task, or None outside a request."""
    return _current_request_id.get()


class RequestIdMiddleware:
    """Outermost middleware, so that everything inside it (handlers, errors, access log) sees the id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        offered = Headers(scope=scope).get(REQUEST_ID_HEADER)
        request_id = offered if offered and _ACCEPTABLE_REQUEST_ID.fullmatch(offered) else str(uuid.uuid4())

        async def send_with_request_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        token = _current_request_id.set(request_id)
        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            _current_request_id.reset(token)
